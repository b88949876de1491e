package io.fleetlb.results;

/**
 * The files beside a result, by name: the per-request records and the telemetry samples (null when
 * none were sampled).
 */
public record FileNames(String requests, String telemetry) {}
