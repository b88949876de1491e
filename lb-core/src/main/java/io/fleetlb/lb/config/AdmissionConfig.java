package io.fleetlb.lb.config;

import java.time.Duration;

/**
 * Admission control ({@code admission:}): the router keeps at most
 * {@code max_in_flight_per_replica} requests in flight on each replica (a replica's
 * {@code replicas[i].max_in_flight} overrides it) and holds the rest in a per-model queue of its
 * own, where it can still choose the replica that frees up first, tell clients to back off, and
 * drop requests whose client left. A queued request is dispatched when a slot frees, by the
 * routing policy; a full queue, or a wait longer than {@code queue.max_wait}, is answered 503
 * with {@code Retry-After}.
 *
 * @param maxInFlightPerReplica the default in-flight limit per replica, default 256: vLLM's
 *     default {@code max_num_seqs} (v0.6 and V1 on most GPUs; V1 on H100-class GPUs runs up to
 *     1024), the most requests it runs at once; beyond it requests queue inside vLLM, out of the
 *     router's sight. Lower it for replicas bound by KV cache (a 70B model holds about 100
 *     sequences of 1,000 tokens on one H100). 0 = no limit (and no queue)
 * @param queue the per-model queue
 */
public record AdmissionConfig(Integer maxInFlightPerReplica, QueueConfig queue)
    implements Validated {
  /** The defaults. */
  public static final AdmissionConfig DEFAULT = new AdmissionConfig(null, null);

  /** Fills in defaults for absent values. */
  public AdmissionConfig {
    maxInFlightPerReplica = maxInFlightPerReplica == null ? 256 : maxInFlightPerReplica;
    queue = queue == null ? QueueConfig.DEFAULT : queue;
  }

  /** Whether the router limits what it sends to replicas. */
  public boolean enabled() {
    return maxInFlightPerReplica > 0;
  }

  @Override
  public void validate(Validation at) {
    at.range(maxInFlightPerReplica, 0, 1_000_000, "max_in_flight_per_replica");
    queue.validate(at.at("queue"));
  }

  /**
   * The router's queue for one model ({@code admission.queue}).
   *
   * @param maxPerModel requests that may wait per model, default 1000; 0 = no queue (503 at once
   *     when every replica is at its limit)
   * @param maxWait the longest a request waits before it is answered 503, default 30s
   */
  public record QueueConfig(Integer maxPerModel, Duration maxWait) implements Validated {
    /** The defaults. */
    public static final QueueConfig DEFAULT = new QueueConfig(null, null);

    /** Fills in defaults for absent values. */
    public QueueConfig {
      maxPerModel = maxPerModel == null ? 1000 : maxPerModel;
      maxWait = maxWait == null ? Duration.ofSeconds(30) : maxWait;
    }

    @Override
    public void validate(Validation at) {
      at.range(maxPerModel, 0, 10_000_000, "max_per_model");
      at.positive(maxWait, "max_wait");
    }
  }
}
