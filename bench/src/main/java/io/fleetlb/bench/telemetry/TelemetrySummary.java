package io.fleetlb.bench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.Breakdowns;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summaries of the telemetry samples: per GPU (mean utilization, SM activity and power, energy
 * from the counter's delta or else by trapezoidal integration of power), per server (queue
 * depth, KV usage, preemptions), for the whole run (GPU count, total power, energy, output
 * tokens per second per GPU and per kW, joules per output token), and, per model, how unevenly
 * its replicas were loaded over time: the mean coefficient of variation of running + waiting
 * across its replicas and the seconds during which one replica queued while another sat idle.
 */
public final class TelemetrySummary {
  private TelemetrySummary() {
  }

  public static ObjectNode summarize(List<ObjectNode> samples, long intervalNs, double outputThroughput,
      long totalOutputTokens) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("interval_s", intervalNs / 1e9);
    o.put("samples", samples.size());
    o.put("failed_samples", samples.stream().filter(s -> !s.path("ok").asBoolean()).count());
    Map<String, List<JsonNode>> gpus = new TreeMap<>();
    Map<String, List<JsonNode>> servers = new TreeMap<>();
    Map<String, Integer> gpusPerId = new TreeMap<>();
    samples.stream().filter(s -> s.path("ok").asBoolean() && !s.path("source").asText().equals("server"))
        .map(s -> s.path("id").asText() + "\u0000" + s.path("gpu").asText()).distinct()
        .forEach(k -> gpusPerId.merge(k.substring(0, k.indexOf('\u0000')), 1, Integer::sum));
    for (ObjectNode s : samples) {
      if (!s.path("ok").asBoolean()) {
        continue;
      }
      String id = s.path("id").asText();
      if (s.path("source").asText().equals("server")) {
        servers.computeIfAbsent(id, k -> new ArrayList<>()).add(s);
      } else {
        String key = gpusPerId.getOrDefault(id, 1) > 1 ? id + "/gpu" + s.path("gpu").asText() : id;
        gpus.computeIfAbsent(key, k -> new ArrayList<>()).add(s);
      }
    }
    ObjectNode gpuOut = o.putObject("gpus");
    double utilSum = 0;
    double smSum = 0;
    int smCount = 0;
    double powerSum = 0;
    double energy = 0;
    boolean energyKnown = !gpus.isEmpty();
    for (var e : gpus.entrySet()) {
      ObjectNode g = gpuOut.putObject(e.getKey());
      List<JsonNode> ss = e.getValue();
      g.put("samples", ss.size());
      g.put("model_name", ss.get(0).path("model_name").asText(null));
      double util = mean(ss, "util_pct");
      double sm = mean(ss, "sm_active");
      double power = mean(ss, "power_w");
      putNum(g, "mean_util_pct", util);
      putNum(g, "mean_sm_active", sm);
      putNum(g, "mean_power_w", power);
      putNum(g, "max_power_w", ss.stream().mapToDouble(s -> s.path("power_w").asDouble(Double.NaN)).max().orElse(Double.NaN));
      double[] energyAndMethod = energy(ss);
      putNum(g, "energy_j", energyAndMethod[0]);
      g.put("energy_method", energyAndMethod[1] == 1 ? "counter" : energyAndMethod[1] == 2 ? "trapezoid" : "none");
      putNum(g, "max_gap_s", maxGap(ss));
      utilSum += Double.isNaN(util) ? 0 : util;
      if (!Double.isNaN(sm)) {
        smSum += sm;
        smCount++;
      }
      powerSum += Double.isNaN(power) ? 0 : power;
      if (Double.isNaN(energyAndMethod[0])) {
        energyKnown = false;
      } else {
        energy += energyAndMethod[0];
      }
    }
    ObjectNode run = o.putObject("run");
    int n = gpus.size();
    run.put("gpus", n);
    putNum(run, "mean_util_pct", n == 0 ? Double.NaN : utilSum / n);
    putNum(run, "mean_sm_active", smCount == 0 ? Double.NaN : smSum / smCount);
    putNum(run, "mean_power_w", n == 0 ? Double.NaN : powerSum);
    putNum(run, "energy_j", energyKnown ? energy : Double.NaN);
    putNum(run, "output_tokens_per_s_per_gpu", n == 0 ? Double.NaN : outputThroughput / n);
    putNum(run, "output_tokens_per_s_per_kw", powerSum > 0 ? outputThroughput / (powerSum / 1000) : Double.NaN);
    putNum(run, "joules_per_output_token", energyKnown && totalOutputTokens > 0 ? energy / totalOutputTokens : Double.NaN);
    ObjectNode serverOut = o.putObject("servers");
    for (var e : servers.entrySet()) {
      ObjectNode g = serverOut.putObject(e.getKey());
      List<JsonNode> ss = e.getValue();
      g.put("model", ss.get(ss.size() - 1).path("model").asText(null));
      g.put("samples", ss.size());
      putNum(g, "mean_running", mean(ss, "running"));
      putNum(g, "mean_waiting", mean(ss, "waiting"));
      putNum(g, "max_waiting", ss.stream().mapToDouble(s -> s.path("waiting").asDouble(0)).max().orElse(0));
      putNum(g, "mean_kv_usage", mean(ss, "kv_usage"));
      putNum(g, "max_kv_usage", ss.stream().mapToDouble(s -> s.path("kv_usage").asDouble(0)).max().orElse(0));
      putNum(g, "preemptions", delta(ss, "preemptions_total"));
      putNum(g, "generation_tokens", delta(ss, "generation_tokens_total"));
    }
    o.set("balance", QueueBalance.compute(servers, intervalNs));
    return o;
  }

  /** Replica id to served model, from the servers' own metrics (so idle replicas are known too). */
  public static Map<String, String> replicaModels(List<ObjectNode> samples) {
    Map<String, String> m = new TreeMap<>();
    for (ObjectNode s : samples) {
      if (s.path("source").asText().equals("server") && s.hasNonNull("model")) {
        m.put(s.path("id").asText(), s.path("model").asText());
      }
    }
    return m;
  }

  static double mean(List<JsonNode> ss, String field) {
    double sum = 0;
    int n = 0;
    for (JsonNode s : ss) {
      if (s.has(field)) {
        sum += s.path(field).asDouble();
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  static double delta(List<JsonNode> ss, String field) {
    List<JsonNode> with = ss.stream().filter(s -> s.has(field)).toList();
    return with.size() < 2 ? Double.NaN
        : with.get(with.size() - 1).path(field).asDouble() - with.get(0).path(field).asDouble();
  }

  /** {energy J, method}: 1 = energy counter delta, 2 = trapezoidal power integral, 0 = unknown. */
  static double[] energy(List<JsonNode> ss) {
    double counter = delta(ss, "energy_j");
    if (!Double.isNaN(counter) && counter >= 0) {
      return new double[] {counter, 1};
    }
    List<JsonNode> p = ss.stream().filter(s -> s.has("power_w")).toList();
    if (p.size() < 2) {
      return new double[] {Double.NaN, 0};
    }
    double j = 0;
    for (int i = 1; i < p.size(); i++) {
      double dt = (p.get(i).path("t_ns").asLong() - p.get(i - 1).path("t_ns").asLong()) / 1e9;
      j += (p.get(i).path("power_w").asDouble() + p.get(i - 1).path("power_w").asDouble()) / 2 * dt;
    }
    return new double[] {j, 2};
  }

  static double maxGap(List<JsonNode> ss) {
    double max = 0;
    for (int i = 1; i < ss.size(); i++) {
      max = Math.max(max, (ss.get(i).path("t_ns").asLong() - ss.get(i - 1).path("t_ns").asLong()) / 1e9);
    }
    return max;
  }

  static void putNum(ObjectNode o, String key, double v) {
    if (Double.isFinite(v)) {
      o.put(key, v);
    } else {
      o.putNull(key);
    }
  }

  /** Load spread between a model's replicas over time, from their running + waiting counts. */
  static final class QueueBalance {
    private QueueBalance() {
    }

    static ObjectNode compute(Map<String, List<JsonNode>> servers, long intervalNs) {
      // tick -> model -> replica -> running + waiting (and waiting alone)
      Map<Long, Map<String, Map<String, double[]>>> ticks = new TreeMap<>();
      servers.forEach((id, ss) -> {
        for (JsonNode s : ss) {
          if (!s.hasNonNull("model")) {
            continue;
          }
          long tick = Math.round(s.path("t_ns").asLong() / (double) intervalNs);
          ticks.computeIfAbsent(tick, k -> new TreeMap<>()).computeIfAbsent(s.path("model").asText(), k -> new TreeMap<>())
              .put(id, new double[] {s.path("running").asDouble(0) + s.path("waiting").asDouble(0),
                  s.path("waiting").asDouble(0)});
        }
      });
      Map<String, double[]> acc = new TreeMap<>(); // model -> {cv sum, ticks, idle-while-queued ticks}
      ticks.values().forEach(byModel -> byModel.forEach((model, replicas) -> {
        if (replicas.size() < 2) {
          return;
        }
        double[] load = replicas.values().stream().mapToDouble(v -> v[0]).toArray();
        boolean queued = replicas.values().stream().anyMatch(v -> v[1] > 0);
        boolean idle = replicas.values().stream().anyMatch(v -> v[0] == 0);
        double[] a = acc.computeIfAbsent(model, k -> new double[3]);
        a[0] += Breakdowns.cv(load);
        a[1]++;
        a[2] += queued && idle ? 1 : 0;
      }));
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      acc.forEach((model, a) -> {
        ObjectNode m = out.putObject(model);
        m.put("queue_cv_mean", a[0] / a[1]);
        m.put("idle_while_queued_s", a[2] * intervalNs / 1e9);
        m.put("ticks", (long) a[1]);
      });
      return out;
    }
  }
}
