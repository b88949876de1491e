package io.fleetlb.lb.queueaware.scrape;

/** A scrape that yielded no snapshot, with its {@link ScrapeFailure reason}. */
public final class ScrapeException extends Exception {
  private static final long serialVersionUID = 1L;
  private final transient ScrapeFailure reason;

  /** A failure for this reason, with a short detail for the log. */
  public ScrapeException(ScrapeFailure reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  /** Why the scrape failed. */
  public ScrapeFailure reason() {
    return reason;
  }
}
