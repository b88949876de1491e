package io.fleetlb.lb.metrics;

import io.fleetlb.lb.pool.Ejection;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.ReplicaPool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The meters of one replica (labels {@code model}, {@code replica}), registered when it joins and
 * removed from the registry when the pool forgets it, so a fleet whose members come and go does
 * not leave stale series behind.
 */
final class ReplicaMeters {
  final Timer firstByte;
  final Timer duration;
  final Counter[] ejections = new Counter[Ejection.Cause.values().length];
  final Counter ejectionsSkipped;
  final Counter probesPassed;
  final Counter probesFailed;
  private final List<Meter> all = new ArrayList<>();

  ReplicaMeters(MeterRegistry registry, ReplicaPool pool, Replica r, Duration[] firstByteBuckets,
      Duration[] durationBuckets) {
    Tags tags = Tags.of("model", r.model(), "replica", r.id());
    firstByte = keep(Timer.builder("lb.upstream.time.to.first.byte")
        .description("Time from sending a request to a replica to the first response body byte")
        .tags(tags).serviceLevelObjectives(firstByteBuckets).register(registry));
    duration = keep(Timer.builder("lb.upstream.duration")
        .description("Time from sending a request to a replica until the attempt ended")
        .tags(tags).serviceLevelObjectives(durationBuckets).register(registry));
    for (Ejection.Cause cause : Ejection.Cause.values()) {
      ejections[cause.ordinal()] = keep(Counter.builder("lb.ejections")
          .description("Times the replica was ejected, by reason: failures (consecutive"
              + " failed attempts), stalled (streams silent), unresponsive (no progress and a"
              + " failed probe)")
          .tags(tags).tag("reason", cause.label()).register(registry));
    }
    ejectionsSkipped = keep(Counter.builder("lb.ejections.skipped")
        .description("Ejections not done because the model's ejected share was at its cap")
        .tags(tags).register(registry));
    probesPassed = keep(Counter.builder("lb.health.checks").description("Active health checks")
        .tags(tags).tag("result", "pass").register(registry));
    probesFailed = keep(Counter.builder("lb.health.checks").description("Active health checks")
        .tags(tags).tag("result", "fail").register(registry));
    keep(Gauge.builder("lb.upstream.in.flight", pool, p -> p.inFlight(r))
        .description("Requests sent to the replica and not finished").tags(tags)
        .register(registry));
    keep(FunctionCounter.builder("lb.upstream.forwarded", pool, p -> p.dispatched(r))
        .description("Requests sent to the replica (attempts, retries included)").tags(tags)
        .register(registry));
    for (String result : List.of("completed", "failed", "cancelled")) {
      keep(FunctionCounter.builder("lb.upstream.attempts", pool, p -> switch (result) {
        case "completed" -> p.completed(r);
        case "failed" -> p.failed(r);
        default -> p.cancelled(r);
      }).description("Upstream attempts by how they ended").tags(tags).tag("result", result)
          .register(registry));
    }
    keep(Gauge.builder("lb.replica.available", pool,
            p -> p.available(r.model()).contains(r) ? 1 : 0)
        .description("1 when the replica receives requests (healthy, not ejected, not leaving)")
        .tags(tags).register(registry));
    keep(Gauge.builder("lb.replica.healthy", pool, p -> p.healthy(r) ? 1 : 0)
        .description("1 when the replica passes active health checks").tags(tags)
        .register(registry));
    keep(Gauge.builder("lb.replica.ejected", pool, p -> p.ejected(r) ? 1 : 0)
        .description("1 while the replica is ejected").tags(tags).register(registry));
  }

  private <M extends Meter> M keep(M meter) {
    all.add(meter);
    return meter;
  }

  /** Takes every meter of the replica out of the registry. */
  void remove(MeterRegistry registry) {
    all.forEach(registry::remove);
  }
}
