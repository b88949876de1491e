package io.fleetlb.analysis.compare;

import java.util.Arrays;

/**
 * One resample of one arm: how often each repetition and each workload index was drawn, and the
 * product per unit (unit = repetition x requests + index), which weights every statistic.
 */
public final class Draw {
  final int[] repCounts;
  final int[] indexCounts;
  final int[] unitWeights;

  Draw(int[] repCounts, int[] indexCounts) {
    this.repCounts = repCounts;
    this.indexCounts = indexCounts;
    int n = indexCounts.length;
    this.unitWeights = new int[repCounts.length * n];
    for (int r = 0; r < repCounts.length; r++) {
      if (repCounts[r] != 0) {
        for (int i = 0; i < n; i++) {
          unitWeights[r * n + i] = repCounts[r] * indexCounts[i];
        }
      }
    }
  }

  /** Every repetition and index once: the observed data. */
  static Draw observed(int reps, int requests) {
    int[] r = new int[reps];
    int[] i = new int[requests];
    Arrays.fill(r, 1);
    Arrays.fill(i, 1);
    return new Draw(r, i);
  }

  /** Repetition {@code rep} alone, every index once. */
  static Draw repetition(int rep, int reps, int requests) {
    int[] r = new int[reps];
    int[] i = new int[requests];
    r[rep] = 1;
    Arrays.fill(i, 1);
    return new Draw(r, i);
  }

  int repTotal() {
    int t = 0;
    for (int c : repCounts) {
      t += c;
    }
    return t;
  }
}
