package io.fleetlb.bench.metrics;

import io.fleetlb.results.GroupFigures;
import io.fleetlb.results.LatencyStats;
import io.fleetlb.results.ModelBalance;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.Slo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Per-model, per-class and per-replica figures (the same vLLM metrics within each group, over the
 * whole run's duration) and the load-balance indices: each replica's share of its model's requests,
 * Jain's fairness index over those shares and their coefficient of variation.
 */
public final class Breakdowns {
  /** The id used for requests whose response carried no {@code x-lb-replica} header. */
  public static final String UNATTRIBUTED = "(none)";

  private Breakdowns() {}

  /** Groups outcomes by a key, in key order. */
  static Map<String, List<RequestOutcome>> group(
      List<RequestOutcome> all, Function<RequestOutcome, String> key) {
    Map<String, List<RequestOutcome>> m = new TreeMap<>();
    for (RequestOutcome r : all) {
      String k = key.apply(r);
      if (k != null) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
      }
    }
    return m;
  }

  /** The figures of each group, in key order. */
  public static Map<String, GroupFigures> byKey(
      List<RequestOutcome> all,
      Function<RequestOutcome, String> key,
      double durationS,
      List<Double> percentiles,
      Slo goodput) {
    Map<String, GroupFigures> out = new LinkedHashMap<>();
    for (var e : group(all, key).entrySet()) {
      out.put(
          e.getKey(),
          figures(null, e.getValue(), all.size(), durationS, percentiles, goodput, null));
    }
    return out;
  }

  static GroupFigures figures(
      String model,
      List<RequestOutcome> rs,
      int total,
      double durationS,
      List<Double> percentiles,
      Slo goodput,
      Double shareOfModel) {
    CoreMetrics m = CoreMetrics.compute(rs, durationS, percentiles, goodput);
    Map<String, Double> stats = LatencyStats.map();
    m.ttft().putInto(stats, "ttft");
    m.tpot().putInto(stats, "tpot");
    m.itl().putInto(stats, "itl");
    m.e2el().putInto(stats, "e2el");
    return new GroupFigures(
        model,
        rs.size(),
        total == 0 ? 0 : rs.size() / (double) total,
        m.completed(),
        m.failed(),
        m.totalInputTokens(),
        m.totalOutputTokens(),
        m.requestThroughput(),
        m.requestGoodput(),
        m.outputThroughput(),
        stats,
        shareOfModel);
  }

  /**
   * Per replica: its model, request count, share of its model's requests and latency figures.
   * Replicas known from telemetry that served nothing are listed with zero requests so the balance
   * index sees them.
   */
  public static Map<String, GroupFigures> perReplica(
      List<RequestOutcome> all,
      Map<String, String> knownReplicaModels,
      double durationS,
      List<Double> percentiles,
      Slo goodput) {
    Map<String, List<RequestOutcome>> byReplica =
        group(all, r -> r.replica() == null ? UNATTRIBUTED : r.replica());
    knownReplicaModels.keySet().forEach(id -> byReplica.putIfAbsent(id, List.of()));
    Map<String, Integer> perModel = new TreeMap<>();
    all.forEach(r -> perModel.merge(r.model(), 1, Integer::sum));
    Map<String, GroupFigures> out = new LinkedHashMap<>();
    for (var e : byReplica.entrySet()) {
      String model = replicaModel(e.getKey(), e.getValue(), knownReplicaModels);
      int modelTotal = perModel.getOrDefault(model, 0);
      long ofModel = e.getValue().stream().filter(r -> r.model().equals(model)).count();
      out.put(
          e.getKey(),
          figures(
              model,
              e.getValue(),
              all.size(),
              durationS,
              percentiles,
              goodput,
              modelTotal == 0 ? 0 : ofModel / (double) modelTotal));
    }
    return out;
  }

  static String replicaModel(String id, List<RequestOutcome> rs, Map<String, String> known) {
    if (known.containsKey(id)) {
      return known.get(id);
    }
    Map<String, Integer> counts = new TreeMap<>();
    rs.forEach(r -> counts.merge(r.model(), 1, Integer::sum));
    return counts.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(null);
  }

  /**
   * Per model: the replicas that served it with their shares, Jain's index {@code (sum x)^2 / (n
   * sum x^2)} (1 = perfectly even, 1/n = all on one) and the coefficient of variation (population
   * std / mean) of the per-replica request counts.
   */
  public static Map<String, ModelBalance> balance(
      List<RequestOutcome> all, Map<String, String> knownReplicaModels) {
    Map<String, ModelBalance> out = new LinkedHashMap<>();
    for (var model : group(all, RequestOutcome::model).entrySet()) {
      Map<String, Integer> counts = new TreeMap<>();
      knownReplicaModels.forEach(
          (id, m) -> {
            if (m.equals(model.getKey())) {
              counts.put(id, 0);
            }
          });
      int unattributed = 0;
      for (RequestOutcome r : model.getValue()) {
        if (r.replica() == null) {
          unattributed++;
        } else {
          counts.merge(r.replica(), 1, Integer::sum);
        }
      }
      int attributed = model.getValue().size() - unattributed;
      Map<String, Double> shares = new LinkedHashMap<>();
      double[] x = new double[counts.size()];
      int i = 0;
      for (var c : counts.entrySet()) {
        shares.put(c.getKey(), attributed == 0 ? 0 : c.getValue() / (double) attributed);
        x[i++] = c.getValue();
      }
      out.put(
          model.getKey(),
          new ModelBalance(
              model.getValue().size(),
              unattributed,
              counts.size(),
              shares,
              x.length == 0 ? null : jain(x),
              x.length == 0 ? null : cv(x)));
    }
    return out;
  }

  /** Jain's fairness index; 1 for an all-zero vector (nothing to be unfair about). */
  public static double jain(double[] x) {
    double sum = 0;
    double sq = 0;
    for (double v : x) {
      sum += v;
      sq += v * v;
    }
    return sq == 0 ? 1.0 : sum * sum / (x.length * sq);
  }

  /** Coefficient of variation: population std over mean (0 when the mean is 0). */
  public static double cv(double[] x) {
    double m = NumpyStats.mean(x);
    return m == 0 || Double.isNaN(m) ? 0 : NumpyStats.std(x) / m;
  }
}
