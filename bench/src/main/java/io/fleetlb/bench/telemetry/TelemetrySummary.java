package io.fleetlb.bench.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.metrics.Breakdowns;
import io.fleetlb.results.TelemetryFigures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Summaries of the telemetry samples: per GPU (mean utilization, SM activity and power, energy from
 * the counter's delta or else by trapezoidal integration of power), per server (queue depth, KV
 * usage, preemptions), for the whole run (GPU count, total power, energy, output tokens per second
 * per GPU and per kW, joules per output token), and, per model, how unevenly its replicas were
 * loaded over time: the mean coefficient of variation of running + waiting across its replicas and
 * the seconds during which one replica queued while another sat idle.
 */
public final class TelemetrySummary {
  private TelemetrySummary() {}

  public static TelemetryFigures summarize(
      List<ObjectNode> samples,
      long intervalNs,
      double outputThroughput,
      long totalOutputTokens,
      String file) {
    Map<String, List<JsonNode>> gpus = new TreeMap<>();
    Map<String, List<JsonNode>> servers = new TreeMap<>();
    Map<String, Integer> gpusPerId = new TreeMap<>();
    samples.stream()
        .filter(s -> s.path("ok").asBoolean() && !s.path("source").asText().equals("server"))
        .map(s -> s.path("id").asText() + "\u0000" + s.path("gpu").asText())
        .distinct()
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
    Map<String, TelemetryFigures.Gpu> gpuOut = new LinkedHashMap<>();
    double utilSum = 0;
    double smSum = 0;
    int smCount = 0;
    double powerSum = 0;
    double energy = 0;
    boolean energyKnown = !gpus.isEmpty();
    for (var e : gpus.entrySet()) {
      List<JsonNode> ss = e.getValue();
      double util = mean(ss, "util_pct");
      double sm = mean(ss, "sm_active");
      double power = mean(ss, "power_w");
      double[] energyAndMethod = energy(ss);
      gpuOut.put(
          e.getKey(),
          new TelemetryFigures.Gpu(
              ss.size(),
              ss.get(0).path("model_name").asText(null),
              num(util),
              num(sm),
              num(power),
              num(
                  ss.stream()
                      .mapToDouble(s -> s.path("power_w").asDouble(Double.NaN))
                      .max()
                      .orElse(Double.NaN)),
              num(energyAndMethod[0]),
              energyAndMethod[1] == 1 ? "counter" : energyAndMethod[1] == 2 ? "trapezoid" : "none",
              num(maxGap(ss))));
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
    int n = gpus.size();
    TelemetryFigures.Fleet run =
        new TelemetryFigures.Fleet(
            n,
            num(n == 0 ? Double.NaN : utilSum / n),
            num(smCount == 0 ? Double.NaN : smSum / smCount),
            num(n == 0 ? Double.NaN : powerSum),
            num(energyKnown ? energy : Double.NaN),
            num(n == 0 ? Double.NaN : outputThroughput / n),
            num(powerSum > 0 ? outputThroughput / (powerSum / 1000) : Double.NaN),
            num(energyKnown && totalOutputTokens > 0 ? energy / totalOutputTokens : Double.NaN));
    Map<String, TelemetryFigures.Server> serverOut = new LinkedHashMap<>();
    for (var e : servers.entrySet()) {
      List<JsonNode> ss = e.getValue();
      serverOut.put(
          e.getKey(),
          new TelemetryFigures.Server(
              ss.get(ss.size() - 1).path("model").asText(null),
              ss.size(),
              num(mean(ss, "running")),
              num(mean(ss, "waiting")),
              num(ss.stream().mapToDouble(s -> s.path("waiting").asDouble(0)).max().orElse(0)),
              num(mean(ss, "kv_usage")),
              num(ss.stream().mapToDouble(s -> s.path("kv_usage").asDouble(0)).max().orElse(0)),
              num(delta(ss, "preemptions_total")),
              num(delta(ss, "generation_tokens_total"))));
    }
    return new TelemetryFigures(
        intervalNs / 1e9,
        samples.size(),
        samples.stream().filter(s -> !s.path("ok").asBoolean()).count(),
        file,
        gpuOut,
        run,
        serverOut,
        QueueBalance.compute(servers, intervalNs));
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
    return with.size() < 2
        ? Double.NaN
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
      max =
          Math.max(
              max, (ss.get(i).path("t_ns").asLong() - ss.get(i - 1).path("t_ns").asLong()) / 1e9);
    }
    return max;
  }

  /** The value, or null when it is not a finite number (JSON has no NaN). */
  static Double num(double v) {
    return Double.isFinite(v) ? v : null;
  }

  /** Load spread between a model's replicas over time, from their running + waiting counts. */
  static final class QueueBalance {
    private QueueBalance() {}

    static Map<String, TelemetryFigures.QueueBalance> compute(
        Map<String, List<JsonNode>> servers, long intervalNs) {
      // tick -> model -> replica -> running + waiting (and waiting alone)
      Map<Long, Map<String, Map<String, double[]>>> ticks = new TreeMap<>();
      servers.forEach(
          (id, ss) -> {
            for (JsonNode s : ss) {
              if (!s.hasNonNull("model")) {
                continue;
              }
              long tick = Math.round(s.path("t_ns").asLong() / (double) intervalNs);
              ticks
                  .computeIfAbsent(tick, k -> new TreeMap<>())
                  .computeIfAbsent(s.path("model").asText(), k -> new TreeMap<>())
                  .put(
                      id,
                      new double[] {
                        s.path("running").asDouble(0) + s.path("waiting").asDouble(0),
                        s.path("waiting").asDouble(0)
                      });
            }
          });
      Map<String, double[]> acc =
          new TreeMap<>(); // model -> {cv sum, ticks, idle-while-queued ticks}
      ticks
          .values()
          .forEach(
              byModel ->
                  byModel.forEach(
                      (model, replicas) -> {
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
      Map<String, TelemetryFigures.QueueBalance> out = new LinkedHashMap<>();
      acc.forEach(
          (model, a) ->
              out.put(
                  model,
                  new TelemetryFigures.QueueBalance(
                      a[0] / a[1], a[2] * intervalNs / 1e9, (long) a[1])));
      return out;
    }
  }
}
