package io.fleetlb.bench.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Per-model, per-class and per-replica figures (the same vLLM metrics within each group, over the
 * whole run's duration) and the load-balance indices: each replica's share of its model's
 * requests, Jain's fairness index over those shares and their coefficient of variation.
 */
public final class Breakdowns {
  /** The id used for requests whose response carried no {@code x-lb-replica} header. */
  public static final String UNATTRIBUTED = "(none)";

  private Breakdowns() {
  }

  /** Groups outcomes by a key, in key order. */
  static Map<String, List<RequestOutcome>> group(List<RequestOutcome> all, Function<RequestOutcome, String> key) {
    Map<String, List<RequestOutcome>> m = new TreeMap<>();
    for (RequestOutcome r : all) {
      String k = key.apply(r);
      if (k != null) {
        m.computeIfAbsent(k, x -> new ArrayList<>()).add(r);
      }
    }
    return m;
  }

  /** One object per group with counts, shares and the group's latency statistics. */
  public static ObjectNode byKey(List<RequestOutcome> all, Function<RequestOutcome, String> key, double durationS,
      List<Double> percentiles, Goodput goodput) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var e : group(all, key).entrySet()) {
      ObjectNode g = out.putObject(e.getKey());
      writeGroup(g, e.getValue(), all.size(), durationS, percentiles, goodput);
    }
    return out;
  }

  static void writeGroup(ObjectNode g, List<RequestOutcome> rs, int total, double durationS,
      List<Double> percentiles, Goodput goodput) {
    CoreMetrics m = CoreMetrics.compute(rs, durationS, percentiles, goodput);
    g.put("requests", rs.size());
    g.put("share", total == 0 ? 0 : rs.size() / (double) total);
    g.put("completed", m.completed());
    g.put("failed", m.failed());
    g.put("total_input_tokens", m.totalInputTokens());
    g.put("total_output_tokens", m.totalOutputTokens());
    g.put("request_throughput", m.requestThroughput());
    if (m.requestGoodput() != null) {
      g.put("request_goodput", m.requestGoodput());
    }
    g.put("output_throughput", m.outputThroughput());
    JsonKeys.putSummary(g, "ttft", m.ttft());
    JsonKeys.putSummary(g, "tpot", m.tpot());
    JsonKeys.putSummary(g, "itl", m.itl());
    JsonKeys.putSummary(g, "e2el", m.e2el());
  }

  /**
   * Per replica: its model, request count, share of its model's requests and latency figures.
   * Replicas known from telemetry that served nothing are listed with zero requests so the
   * balance index sees them.
   */
  public static ObjectNode perReplica(List<RequestOutcome> all, Map<String, String> knownReplicaModels,
      double durationS, List<Double> percentiles, Goodput goodput) {
    Map<String, List<RequestOutcome>> byReplica = group(all, r -> r.replica() == null ? UNATTRIBUTED : r.replica());
    knownReplicaModels.keySet().forEach(id -> byReplica.putIfAbsent(id, List.of()));
    Map<String, Integer> perModel = new TreeMap<>();
    all.forEach(r -> perModel.merge(r.model(), 1, Integer::sum));
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var e : byReplica.entrySet()) {
      ObjectNode g = out.putObject(e.getKey());
      String model = replicaModel(e.getKey(), e.getValue(), knownReplicaModels);
      g.put("model", model);
      writeGroup(g, e.getValue(), all.size(), durationS, percentiles, goodput);
      int modelTotal = perModel.getOrDefault(model, 0);
      long ofModel = e.getValue().stream().filter(r -> r.model().equals(model)).count();
      g.put("share_of_model", modelTotal == 0 ? 0 : ofModel / (double) modelTotal);
    }
    return out;
  }

  static String replicaModel(String id, List<RequestOutcome> rs, Map<String, String> known) {
    if (known.containsKey(id)) {
      return known.get(id);
    }
    Map<String, Integer> counts = new TreeMap<>();
    rs.forEach(r -> counts.merge(r.model(), 1, Integer::sum));
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  /**
   * Per model: the replicas that served it with their shares, Jain's index
   * {@code (sum x)^2 / (n sum x^2)} (1 = perfectly even, 1/n = all on one) and the coefficient of
   * variation (population std / mean) of the per-replica request counts.
   */
  public static ObjectNode balance(List<RequestOutcome> all, Map<String, String> knownReplicaModels) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (var model : group(all, RequestOutcome::model).entrySet()) {
      Map<String, Integer> counts = new TreeMap<>();
      knownReplicaModels.forEach((id, m) -> {
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
      ObjectNode b = out.putObject(model.getKey());
      b.put("requests", model.getValue().size());
      b.put("unattributed", unattributed);
      b.put("replicas", counts.size());
      ObjectNode shares = b.putObject("shares");
      int attributed = model.getValue().size() - unattributed;
      double[] x = new double[counts.size()];
      int i = 0;
      for (var c : counts.entrySet()) {
        shares.put(c.getKey(), attributed == 0 ? 0 : c.getValue() / (double) attributed);
        x[i++] = c.getValue();
      }
      if (x.length == 0) {
        b.putNull("jain_index");
        b.putNull("cv");
      } else {
        b.put("jain_index", jain(x));
        b.put("cv", cv(x));
      }
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
    double m = Stats.mean(x);
    return m == 0 ? 0 : Stats.std(x) / m;
  }
}
