package io.fleetlb.analysis.input;

/**
 * An input the comparison cannot use: a missing or unreadable file, a malformed record, runs of
 * different workloads. The message is one line naming the file, line or field and value.
 */
public final class InputException extends RuntimeException {
  private final boolean usage;

  private InputException(String message, boolean usage) {
    super(message);
    this.usage = usage;
  }

  /** A file that cannot be read or parsed (exit status 1). */
  public static InputException unreadable(String message) {
    return new InputException(message, false);
  }

  /** Inputs that must not be compared at all, e.g. different workloads (exit status 2). */
  public static InputException refused(String message) {
    return new InputException(message, true);
  }

  /**
   * True when the caller asked for something that cannot be compared, rather than an I/O failure.
   */
  public boolean isUsageError() {
    return usage;
  }
}
