package io.fleetlb.bench.workload;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Picks items with probability proportional to their weights, from a seeded stream. */
public final class WeightedChoice<T> {
  private final List<T> items;
  private final double[] cumulative;

  public WeightedChoice(List<T> items, ToDoubleFunction<T> weight) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException("nothing to choose from");
    }
    this.items = List.copyOf(items);
    this.cumulative = new double[items.size()];
    double sum = 0;
    for (int i = 0; i < items.size(); i++) {
      double w = weight.applyAsDouble(items.get(i));
      if (!(w > 0) || !Double.isFinite(w)) {
        throw new IllegalArgumentException("weights must be positive numbers, got " + w);
      }
      sum += w;
      cumulative[i] = sum;
    }
  }

  public T pick(Rng rng) {
    if (items.size() == 1) {
      return items.get(0);
    }
    double x = rng.uniform() * cumulative[cumulative.length - 1];
    for (int i = 0; i < cumulative.length; i++) {
      if (x < cumulative[i]) {
        return items.get(i);
      }
    }
    return items.get(items.size() - 1);
  }
}
