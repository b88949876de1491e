package io.fleetlb.analysis.compare;

import java.util.SplittableRandom;

/**
 * Draws bootstrap resamples. Paired (both arms replayed the same workload): request indices with
 * replacement, the same indices for both arms (so request i of one arm is always compared with
 * request i of the other), and repetitions with replacement — as pairs (A_k with B_k, which ran
 * next to each other) when both arms have the same number, else independently. Unpaired (arms of
 * different requests): each arm's requests and repetitions independently. Seeded: the same seed
 * gives the same draws.
 */
final class Resampler {
  private final SplittableRandom random;
  private final int baselineReps;
  private final int managedReps;
  private final int baselineRequests;
  private final int managedRequests;
  private final boolean paired;

  /** Paired resamples of two arms of {@code requests} requests each. */
  Resampler(long seed, int baselineReps, int managedReps, int requests) {
    this(seed, baselineReps, managedReps, requests, requests, true);
  }

  Resampler(
      long seed,
      int baselineReps,
      int managedReps,
      int baselineRequests,
      int managedRequests,
      boolean paired) {
    if (paired && baselineRequests != managedRequests) {
      throw new IllegalArgumentException("paired arms need the same number of requests");
    }
    this.random = new SplittableRandom(seed);
    this.baselineReps = baselineReps;
    this.managedReps = managedReps;
    this.baselineRequests = baselineRequests;
    this.managedRequests = managedRequests;
    this.paired = paired;
  }

  /** The next resample: element 0 for the baseline, 1 for the managed arm. */
  Draw[] next() {
    int[] b = new int[baselineReps];
    int[] m = new int[managedReps];
    if (paired && baselineReps == managedReps) {
      for (int k = 0; k < baselineReps; k++) {
        int pick = random.nextInt(baselineReps);
        b[pick]++;
        m[pick]++;
      }
    } else {
      draw(b);
      draw(m);
    }
    int[] idx = draw(new int[baselineRequests]);
    return new Draw[] {
      new Draw(b, idx), new Draw(m, paired ? idx : draw(new int[managedRequests]))
    };
  }

  /** Counts of len draws with replacement from 0..len-1. */
  private int[] draw(int[] counts) {
    for (int k = 0; k < counts.length; k++) {
      counts[random.nextInt(counts.length)]++;
    }
    return counts;
  }
}
