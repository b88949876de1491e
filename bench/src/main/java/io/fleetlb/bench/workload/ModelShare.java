package io.fleetlb.bench.workload;

import java.util.List;

/**
 * One model of the traffic mix: its served name, its weight, and optionally its own request classes
 * (empty means the workload's global classes or dataset lengths apply).
 */
public record ModelShare(String name, double weight, List<RequestClass> classes) {

  public ModelShare {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a model needs a name");
    }
    if (!(weight > 0) || !Double.isFinite(weight)) {
      throw new IllegalArgumentException("model '" + name + "': weight must be > 0, got " + weight);
    }
    classes = List.copyOf(classes);
  }

  /**
   * Parses {@code NAME} or {@code NAME=WEIGHT} (the last '=' separates the weight, names may
   * contain '=').
   */
  public static ModelShare parse(String text) {
    int eq = text.lastIndexOf('=');
    if (eq > 0) {
      String w = text.substring(eq + 1).trim();
      try {
        return new ModelShare(text.substring(0, eq).trim(), Double.parseDouble(w), List.of());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--model '" + text + "': weight '" + w + "' is not a number");
      }
    }
    return new ModelShare(text.trim(), 1.0, List.of());
  }
}
