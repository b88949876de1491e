package io.fleetlb.lb.queueaware.config;

import io.fleetlb.lb.config.DataSize;
import io.fleetlb.lb.config.Validated;
import io.fleetlb.lb.config.Validation;
import java.time.Duration;

/**
 * How lb-queue-aware polls each replica's vLLM {@code /metrics} ({@code scrape:}). Every replica
 * has its own timer, so a slow or dead replica never delays another's snapshot.
 *
 * @param interval time between the starts of two scrapes of one replica, default 250ms
 * @param jitter each wait is {@code interval} times a random factor in {@code [1 - jitter,
 *     1 + jitter]}, so replicas are not polled in lockstep; default 0.1
 * @param timeout a scrape that has not delivered its whole body by then fails, default 200ms
 * @param staleAfter a snapshot older than this is ignored and its replica judged by the router's
 *     own counts alone; default 4 intervals
 * @param maxBody a larger answer fails the scrape unread past this size, default 1MiB (a vLLM V1
 *     exposition is about 50 KB)
 * @param path the metrics path on each replica's URL, default {@code /metrics}
 */
public record ScrapeConfig(Duration interval, Double jitter, Duration timeout,
    Duration staleAfter, DataSize maxBody, String path) implements Validated {
  /** The defaults. */
  public static final ScrapeConfig DEFAULT = new ScrapeConfig(null, null, null, null, null, null);

  /** Fills in defaults for absent values. */
  public ScrapeConfig {
    interval = interval == null ? Duration.ofMillis(250) : interval;
    jitter = jitter == null ? 0.1 : jitter;
    timeout = timeout == null ? Duration.ofMillis(200) : timeout;
    staleAfter = staleAfter == null ? interval.multipliedBy(4) : staleAfter;
    maxBody = maxBody == null ? DataSize.mib(1) : maxBody;
    path = path == null ? "/metrics" : path;
  }

  @Override
  public void validate(Validation at) {
    at.check(interval.compareTo(Duration.ofMillis(10)) >= 0
        && interval.compareTo(Duration.ofHours(1)) <= 0, "interval", interval,
        "must be between 10ms and 1h");
    at.check(jitter >= 0 && jitter <= 0.5, "jitter", jitter, "must be between 0 and 0.5");
    at.positive(timeout, "timeout");
    at.check(timeout.compareTo(staleAfter) < 0, "timeout", timeout,
        "must be shorter than stale_after (" + io.fleetlb.lb.config.Durations.format(staleAfter)
            + ")");
    at.check(staleAfter.compareTo(interval) > 0, "stale_after", staleAfter,
        "must be longer than interval (" + io.fleetlb.lb.config.Durations.format(interval) + ")");
    at.check(maxBody.bytes() >= 1024 && maxBody.bytes() <= 64L * 1024 * 1024, "max_body",
        maxBody, "must be between 1KiB and 64MiB");
    at.check(path.startsWith("/"), "path", path, "must start with /");
  }
}
