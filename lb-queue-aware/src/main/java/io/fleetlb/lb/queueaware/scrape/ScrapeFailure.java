package io.fleetlb.lb.queueaware.scrape;

import java.util.Locale;

/** Why a scrape produced no snapshot; the {@link #label} is the metric's {@code reason}. */
public enum ScrapeFailure {
  /** The connection could not be opened (refused, unreachable, connect timeout). */
  CONNECT,
  /** The whole answer did not arrive within {@code scrape.timeout}. */
  TIMEOUT,
  /** The connection closed or reset before the answer was complete. */
  RESET,
  /** The answer's status was not 200. */
  STATUS,
  /** The answer was larger than {@code scrape.max_body}. */
  TOO_LARGE,
  /** The answer was not valid Prometheus text (or OpenMetrics). */
  PARSE,
  /** Valid text, but without {@code vllm:num_requests_running}: not a vLLM server. */
  NOT_VLLM;

  /** The lower-case label, e.g. {@code too_large}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
