package io.fleetlb.bench.cli;

/**
 * A run that could not be carried out (unreachable server, unreadable workload, ...); exit code 1,
 * one line.
 */
public final class BenchFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BenchFailure(String message) {
    super(message);
  }

  public BenchFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
