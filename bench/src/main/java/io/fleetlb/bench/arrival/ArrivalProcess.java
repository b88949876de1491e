package io.fleetlb.bench.arrival;

import io.fleetlb.bench.workload.Rng;

/**
 * Computes a whole schedule up front: the absolute offset, in nanoseconds from the start of the
 * run, at which each of {@code n} requests is due. Precomputing keeps replay exact and lets the
 * schedule be frozen into the workload file.
 */
public interface ArrivalProcess {

  /** Offsets in nanoseconds, non-decreasing, one per request. */
  long[] offsetsNanos(int n, Rng rng);

  /** A short human description ("poisson 20.0 req/s"). */
  String describe();

  /** Every request due at time zero: with a concurrency cap this is vLLM's closed loop. */
  static ArrivalProcess allAtOnce() {
    return new ArrivalProcess() {
      @Override
      public long[] offsetsNanos(int n, Rng rng) {
        return new long[n];
      }

      @Override
      public String describe() {
        return "all at t=0 (request rate inf)";
      }
    };
  }
}
