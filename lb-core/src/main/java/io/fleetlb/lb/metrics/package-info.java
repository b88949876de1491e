/** The router's own Prometheus meters, exported on the admin listener's {@code /metrics}. */
package io.fleetlb.lb.metrics;
