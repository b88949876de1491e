/**
 * The router configuration: immutable records bound from YAML by
 * {@link io.fleetlb.lb.config.ConfigLoader}, with documented defaults, strict keys and one-line
 * errors naming file, field and value. Router modules add their own sections with
 * {@link io.fleetlb.lb.config.ConfigLoader#withSection}.
 */
package io.fleetlb.lb.config;
