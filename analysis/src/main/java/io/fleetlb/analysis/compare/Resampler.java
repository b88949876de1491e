package io.fleetlb.analysis.compare;

import java.util.SplittableRandom;

/**
 * Draws paired bootstrap resamples: workload indices with replacement, the same indices for both
 * arms (so request i of one arm is always compared with request i of the other), and repetitions
 * with replacement — as pairs (A_k with B_k, which ran next to each other) when both arms have
 * the same number, else independently. Seeded: the same seed gives the same draws.
 */
final class Resampler {
  private final SplittableRandom random;
  private final int baselineReps;
  private final int managedReps;
  private final int requests;

  Resampler(long seed, int baselineReps, int managedReps, int requests) {
    this.random = new SplittableRandom(seed);
    this.baselineReps = baselineReps;
    this.managedReps = managedReps;
    this.requests = requests;
  }

  /** The next resample: element 0 for the baseline, 1 for the managed arm. */
  Draw[] next() {
    int[] b = new int[baselineReps];
    int[] m = new int[managedReps];
    if (baselineReps == managedReps) {
      for (int k = 0; k < baselineReps; k++) {
        int pick = random.nextInt(baselineReps);
        b[pick]++;
        m[pick]++;
      }
    } else {
      for (int k = 0; k < baselineReps; k++) {
        b[random.nextInt(baselineReps)]++;
      }
      for (int k = 0; k < managedReps; k++) {
        m[random.nextInt(managedReps)]++;
      }
    }
    int[] idx = new int[requests];
    for (int k = 0; k < requests; k++) {
      idx[random.nextInt(requests)]++;
    }
    return new Draw[] {new Draw(b, idx), new Draw(m, idx)};
  }
}
