package io.fleetlb.lb.metrics;

import io.fleetlb.lb.admission.Admission;
import io.fleetlb.lb.auth.Authenticator;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.fleetlb.lb.tls.ServerCertificate;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The meters of what happens before a request reaches a replica: client authentication, per-key
 * rate limits, in-flight limits and the router's queue. The {@code key} label is a configured key
 * id (bounded by the key list), never a key.
 */
public final class AdmissionMetrics implements PoolListener {
  private static final Duration[] WAIT_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
      Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100),
      Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
      Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60),
      Duration.ofSeconds(120)};

  private final MeterRegistry registry;
  private final Admission admission;
  private final Set<String> queueGauges = ConcurrentHashMap.newKeySet();
  private final Map<Replica, Meter> limitGauges = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Map<String, Timer> waits = new ConcurrentHashMap<>();

  /**
   * Registers the gauges.
   *
   * @param registry the admin registry
   * @param pool the replicas
   * @param admission the limits and queues
   * @param auth the client keys
   * @param certificate the public listener's certificate, null without TLS
   */
  public AdmissionMetrics(MeterRegistry registry, ReplicaPool pool, Admission admission,
      Authenticator auth, ServerCertificate certificate) {
    this.registry = registry;
    this.admission = admission;
    pool.replicas().forEach(this::replicaAdded);
    if (certificate != null) {
      Gauge.builder("lb.tls.certificate.expiry", certificate,
              ServerCertificate::notAfterEpochSeconds)
          .description("When the public listener's certificate expires, in seconds since the"
              + " epoch").baseUnit("timestamp_seconds").register(registry);
      FunctionCounter.builder("lb.tls.reloads", certificate, ServerCertificate::reloadsApplied)
          .description("Changes of tls.cert / tls.key, by whether they were put in use")
          .tag("result", "applied").register(registry);
      FunctionCounter.builder("lb.tls.reloads", certificate, ServerCertificate::reloadsRefused)
          .description("Changes of tls.cert / tls.key, by whether they were put in use")
          .tag("result", "refused").register(registry);
    }
    if (auth.enabled()) {
      Gauge.builder("lb.auth.keys", auth, a -> a.keys().keys().size())
          .description("Client API keys in force").register(registry);
      FunctionCounter.builder("lb.auth.keys.file.reloads", auth, Authenticator::reloadsApplied)
          .description("Changes of auth.keys_file, by whether they were applied")
          .tag("result", "applied").register(registry);
      FunctionCounter.builder("lb.auth.keys.file.reloads", auth, Authenticator::reloadsRefused)
          .description("Changes of auth.keys_file, by whether they were applied")
          .tag("result", "refused").register(registry);
    }
  }

  @Override
  public void replicaAdded(Replica r) {
    if (queueGauges.add(r.model())) {
      Gauge.builder("lb.queue.length", admission, a -> a.queued(r.model()))
          .description("Requests waiting in the router's queue for a replica slot")
          .tag("model", r.model()).register(registry);
    }
    if (admission.enabled()) {
      limitGauges.computeIfAbsent(r, x -> Gauge.builder("lb.replica.max.in.flight", admission,
              a -> a.limit(x))
          .description("The router's in-flight limit for the replica now (lower during its"
              + " slow start)")
          .tag("model", x.model()).tag("replica", x.id()).register(registry));
    }
  }

  @Override
  public void replicaRemoved(Replica r) {
    Meter m = limitGauges.remove(r);
    if (m != null) {
      registry.remove(m);
    }
  }

  /** Counts a request refused for its key: {@code missing}, {@code invalid} or {@code model_not_allowed}. */
  public void authRejected(String reason) {
    counter("lb.auth.rejected", "Requests refused for their API key (401/403)", "reason", reason)
        .increment();
  }

  /** Counts a request refused by its key's limit ({@code requests} or {@code tokens}). */
  public void rateLimited(String key, String limit) {
    counters.computeIfAbsent("rl\u0000" + key + '\u0000' + limit,
        k -> Counter.builder("lb.rate.limited")
            .description("Requests refused with 429 by their key's per-minute limit")
            .tag("key", key).tag("limit", limit).register(registry)).increment();
  }

  /** Counts a request admitted for a key and the tokens charged for it. */
  public void keyAdmitted(String key, long tokens) {
    counter("lb.key.requests", "Requests admitted per client key", "key", key).increment();
    if (tokens > 0) {
      counter("lb.key.tokens", "Estimated tokens (prompt + max_tokens) charged per client key",
          "key", key).increment(tokens);
    }
  }

  /** Counts a request turned away by admission control ({@code queue_full}, {@code queue_timeout}). */
  public void admissionRejected(String model, Reason reason) {
    counters.computeIfAbsent("ar\u0000" + model + '\u0000' + reason.label(),
        k -> Counter.builder("lb.admission.rejected")
            .description("Requests answered 503 because every replica was at its in-flight limit"
                + " and the queue was full or the wait too long")
            .tag("model", model).tag("reason", reason.label()).register(registry)).increment();
  }

  /** Records how long a request waited in the router's queue before it got a slot. */
  public void queueWait(String model, long nanos) {
    waits.computeIfAbsent(model, m -> Timer.builder("lb.queue.wait")
        .description("Time requests waited in the router's queue for a replica slot")
        .tag("model", m).serviceLevelObjectives(WAIT_BUCKETS).register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  private Counter counter(String name, String description, String tag, String value) {
    return counters.computeIfAbsent(name + '\u0000' + value, k -> Counter.builder(name)
        .description(description).tag(tag, value).register(registry));
  }
}
