package io.fleetlb.analysis.stats;

/** Which way a metric improves: latency down, throughput up. */
public enum Direction {
  LOWER_IS_BETTER("lower"),
  HIGHER_IS_BETTER("higher");

  private final String word;

  Direction(String word) {
    this.word = word;
  }

  /** {@code lower} or {@code higher}, as written in comparison.json. */
  public String word() {
    return word;
  }
}
