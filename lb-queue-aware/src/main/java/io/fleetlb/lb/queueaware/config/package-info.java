/** The {@code scrape:} and {@code policy:} configuration sections, validated by lb-core's loader. */
package io.fleetlb.lb.queueaware.config;
