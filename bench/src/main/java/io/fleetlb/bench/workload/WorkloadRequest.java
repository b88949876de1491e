package io.fleetlb.bench.workload;

/**
 * One frozen request: its position, when it is due (nanoseconds from the start of the run), the
 * model and endpoint, its class and expected token counts, and the exact body bytes to send.
 */
public record WorkloadRequest(
    int index,
    long offsetNanos,
    String model,
    String endpoint,
    String className,
    int inputTokens,
    int outputTokens,
    byte[] body) {}
