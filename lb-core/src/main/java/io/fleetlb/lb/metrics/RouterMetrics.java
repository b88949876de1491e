package io.fleetlb.lb.metrics;

import io.fleetlb.lb.log.AccessLog;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.PoolListener;
import io.fleetlb.lb.pool.Ejection;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The router's own meters, exported on the admin {@code /metrics} endpoint. Labels are bounded:
 * {@code model} and {@code replica} come from the configuration (requests that never matched a
 * configured model are labelled {@code none}), {@code reason} from {@link Reason}, {@code code}
 * from the few statuses a router answers.
 *
 * <p>Per-replica attempt counts are read from the pool's exact counters ({@link ReplicaPool}), so
 * the metrics can never disagree with the accounting the policies see.
 */
public final class RouterMetrics implements PoolListener {
  /** Label value for a request that did not reach a model or a replica. */
  public static final String NONE = "none";

  private static final Duration[] FIRST_BYTE_BUCKETS = seconds(0.001, 0.0025, 0.005, 0.01,
      0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160);
  private static final Duration[] DURATION_BUCKETS = seconds(0.005, 0.01, 0.025, 0.05, 0.1,
      0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920);

  private final MeterRegistry registry;
  private final Map<RequestKey, Counter> requests = new ConcurrentHashMap<>();
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Counter> budgetExhausted = new ConcurrentHashMap<>();
  private final ReplicaPool pool;
  private final Map<Replica, ReplicaMeters> replicaMeters = new ConcurrentHashMap<>();
  private final Counter policyErrors;
  private final Counter headerTimeouts;

  private record RequestKey(String model, String replica, int code, Reason reason) {}

  /**
   * Registers the meters.
   *
   * @param registry the admin registry
   * @param pool the replica pool (its counters back the attempt meters)
   * @param policyName the routing policy's name, exported in {@code lb_router_info}
   * @param transport the network transport of the event loops, exported in {@code lb_router_info}
   * @param activeRequests client requests in flight
   * @param draining 1 while draining, else 0
   * @param accessLog the access log, whose dropped entries are counted
   */
  public RouterMetrics(MeterRegistry registry, ReplicaPool pool, String policyName,
      String transport, IntSupplier activeRequests, IntSupplier draining, AccessLog accessLog) {
    this.registry = registry;
    this.pool = pool;
    for (Replica r : pool.replicas()) {
      meters(r);
    }
    policyErrors = Counter.builder("lb.policy.errors")
        .description("Picks where the policy threw or returned a replica outside the candidates")
        .register(registry);
    headerTimeouts = Counter.builder("lb.header.timeouts")
        .description("Client connections closed because no complete request head arrived within"
            + " timeouts.header_read (idle keep-alive connections included)")
        .register(registry);
    // Gauges hold their state object weakly unless told otherwise: these suppliers are lambdas
    // nothing else references.
    Gauge.builder("lb.requests.in.flight", activeRequests, IntSupplier::getAsInt)
        .description("Client requests being served").strongReference(true).register(registry);
    Gauge.builder("lb.draining", draining, IntSupplier::getAsInt).strongReference(true)
        .description("1 while the router drains before shutting down").register(registry);
    FunctionCounter.builder("lb.access.log.dropped", accessLog, AccessLog::dropped)
        .description("Access-log lines dropped because the writer fell behind").register(registry);
    Gauge.builder("lb.router.info", () -> 1).description("Router build information")
        .tag("policy", policyName).tag("transport", transport).register(registry);
  }

  private ReplicaMeters meters(Replica r) {
    return replicaMeters.computeIfAbsent(r, x -> new ReplicaMeters(registry, pool, x,
        FIRST_BYTE_BUCKETS, DURATION_BUCKETS));
  }

  /** The replica's meters; null for a replica the pool forgot (its series are gone). */
  private ReplicaMeters live(Replica r) {
    ReplicaMeters m = replicaMeters.get(r);
    return m != null || pool.removed(r) ? m : meters(r);
  }

  /** Counts one finished client request. */
  public void request(String model, String replica, int code, Reason reason) {
    if (!replica.equals(NONE) && !pool.known(replica)) {
      // The replica was forgotten while this request ended: its series are gone for good.
      replica = NONE;
    }
    requests.computeIfAbsent(new RequestKey(model, replica, code, reason),
        k -> Counter.builder("lb.requests").description("Client requests by how they ended")
            .tag("model", k.model()).tag("replica", k.replica())
            .tag("code", Integer.toString(k.code())).tag("reason", k.reason().label())
            .register(registry)).increment();
  }

  /**
   * Counts one retry of a request for {@code model}.
   *
   * @param cause a {@link Reason} label or {@code status_<code>} for a retried status (bounded by
   *     {@code retry.on_status})
   */
  public void retry(String model, String cause) {
    retries.computeIfAbsent(model + '\u0000' + cause,
        k -> Counter.builder("lb.retries").description("Requests retried on another replica")
            .tag("model", model).tag("reason", cause).register(registry)).increment();
  }

  /** Counts a retry that was due but refused by the retry budget. */
  public void retryBudgetExhausted(String model) {
    budgetExhausted.computeIfAbsent(model,
        k -> Counter.builder("lb.retry.budget.exhausted")
            .description("Retries not made because too many retries were in flight")
            .tag("model", model).register(registry)).increment();
  }

  /** Records the time to the first response body byte of an attempt. */
  public void firstByte(Replica r, long nanos) {
    ReplicaMeters m = live(r);
    if (m != null) {
      m.firstByte.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Records how long an attempt took until it ended. */
  public void attemptDuration(Replica r, long nanos) {
    ReplicaMeters m = live(r);
    if (m != null) {
      m.duration.record(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Counts one active health check. */
  public void healthCheck(Replica r, boolean pass) {
    ReplicaMeters m = live(r);
    if (m != null) {
      (pass ? m.probesPassed : m.probesFailed).increment();
    }
  }

  /** Counts a connection closed by the request-head deadline. */
  public void headerTimeout() {
    headerTimeouts.increment();
  }

  /** Counts a policy mistake (the router then used the first candidate). */
  public void policyError() {
    policyErrors.increment();
  }

  @Override
  public void ejected(Replica replica, Ejection ejection) {
    ReplicaMeters m = live(replica);
    if (m != null) {
      m.ejections[ejection.cause().ordinal()].increment();
    }
  }

  @Override
  public void ejectionSkipped(Replica replica) {
    ReplicaMeters m = live(replica);
    if (m != null) {
      m.ejectionsSkipped.increment();
    }
  }

  @Override
  public void replicaAdded(Replica replica) {
    meters(replica);
  }

  @Override
  public void replicaRemoved(Replica replica) {
    ReplicaMeters m = replicaMeters.remove(replica);
    if (m != null) {
      m.remove(registry);
    }
    // Request outcomes labelled with the replica go too: a fleet whose pods come and go must
    // not grow the exposition forever (Prometheus keeps what it scraped).
    requests.entrySet().removeIf(e -> {
      if (e.getKey().replica().equals(replica.id())) {
        registry.remove(e.getValue());
        return true;
      }
      return false;
    });
  }

  private static Duration[] seconds(double... values) {
    Duration[] out = new Duration[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
    }
    return out;
  }
}
