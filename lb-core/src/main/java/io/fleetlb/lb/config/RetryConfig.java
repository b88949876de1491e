package io.fleetlb.lb.config;

import java.util.List;

/**
 * Retries ({@code retry:}). A request is retried on another replica of its model only while
 * nothing has been sent to the client: after a connect failure (refused, timeout), a connection
 * closed or reset before the response head, a full upstream pool, or a response status listed in
 * {@code on_status}. Retries in flight are capped by a budget, as in Envoy, so a failing fleet is
 * not hit by a retry storm.
 *
 * @param maxRetries retries per request after the first attempt, default 2
 * @param budgetPercent retries in flight may be at most this share of requests in flight, default
 *     20; moving a request off a replica ejected (stalled, unresponsive) while the request waited
 *     for its first byte is not counted: it repeats no work
 * @param minRetryConcurrency retries in flight always allowed regardless of the share, default 3
 * @param onStatus response statuses retried on another replica before any byte is relayed,
 *     default [429, 500, 502, 503, 504]; the last attempt's answer is relayed (a 5xx with the
 *     router's own error body)
 */
public record RetryConfig(Integer maxRetries, Integer budgetPercent, Integer minRetryConcurrency,
    List<Integer> onStatus) implements Validated {
  /** The defaults. */
  public static final RetryConfig DEFAULT = new RetryConfig(null, null, null, null);
  /**
   * "Not admitted" (429, 503) and server or gateway failures (500, 502, 504): before the first
   * byte an LLM request has had no effect worth keeping, so another replica may answer it.
   */
  public static final List<Integer> DEFAULT_ON_STATUS = List.of(429, 500, 502, 503, 504);

  /** Fills in defaults for absent values. */
  public RetryConfig {
    maxRetries = maxRetries == null ? 2 : maxRetries;
    budgetPercent = budgetPercent == null ? 20 : budgetPercent;
    minRetryConcurrency = minRetryConcurrency == null ? 3 : minRetryConcurrency;
    onStatus = onStatus == null ? DEFAULT_ON_STATUS : List.copyOf(onStatus);
  }

  @Override
  public void validate(Validation at) {
    at.range(maxRetries, 0, 10, "max_retries");
    at.range(budgetPercent, 0, 100, "budget_percent");
    at.range(minRetryConcurrency, 0, 100_000, "min_retry_concurrency");
    for (int i = 0; i < onStatus.size(); i++) {
      Integer s = onStatus.get(i);
      at.check(s != null && (s == 429 || (s >= 500 && s <= 599)), "on_status[" + i + "]", s,
          "must be 429 or a 5xx status");
    }
  }
}
