package io.fleetlb.analysis.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MetricResult;
import io.fleetlb.analysis.compare.PairedDeltas;
import io.fleetlb.analysis.stats.Interval;
import io.fleetlb.analysis.sweep.ArmCapacity;
import io.fleetlb.analysis.sweep.SweepPoint;
import io.fleetlb.analysis.sweep.SweepResult;
import io.fleetlb.results.Slo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes comparison.json, the machine-readable comparison (format in docs/report.md). */
public final class ComparisonJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ComparisonJson() {}

  public static void write(Comparison c, String headline, List<String> files, Path out)
      throws IOException {
    MAPPER.writeValue(out.toFile(), build(c, headline, files));
  }

  static ObjectNode build(Comparison c, String headline, List<String> files) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "fleetlb-comparison");
    o.put("format_version", 1);
    o.put("valid", c.valid());
    o.put("workload_hash", c.workloadHash());
    o.put("headline", headline);
    strings(o.putArray("reasons"), c.reasons());
    strings(o.putArray("warnings"), c.warnings());
    workload(o.putObject("workload"), c);
    settings(o.putObject("settings"), c);
    ObjectNode arms = o.putObject("arms");
    arm(arms.putObject("baseline"), c.baseline());
    arm(arms.putObject("managed"), c.managed());
    metrics(o.putObject("metrics"), c.metrics());
    perModel(o.putObject("per_model"), c);
    paired(o.putObject("paired"), c.paired());
    ObjectNode replicas = o.putObject("replicas");
    ObjectNode balance = o.putObject("balance");
    for (ArmProfile a : List.of(c.baseline(), c.managed())) {
      replicas(replicas.putObject(a.name()), a);
      balance(balance.putObject(a.name()), a);
    }
    if (c.sweep() == null) {
      o.putNull("sweep");
    } else {
      sweep(o.putObject("sweep"), c.sweep(), c.settings().slo());
    }
    strings(o.putArray("files"), files);
    return o;
  }

  static void workload(ObjectNode w, Comparison c) {
    var wi = c.workload();
    w.put("requests", wi.requests());
    num(w, "span_s", wi.spanS());
    w.putPOJO("request_rate", wi.requestRate());
    w.putPOJO("burstiness", wi.burstiness());
    w.put("dataset", wi.dataset());
    w.put("seed", wi.seed());
    w.put("input_len", wi.inputDesc());
    w.put("output_len", wi.outputLenDist());
    ObjectNode shares = w.putObject("model_share_pct");
    wi.modelShares().forEach((k, v) -> shares.put(k, v));
  }

  static void settings(ObjectNode s, Comparison c) {
    s.put(
        "method",
        c.pairing().equals("none")
            ? "percentile bootstrap of two independent samples: each arm's requests and repetitions"
                + " resampled with replacement; ci95 = 2.5th..97.5th percentile of managed -"
                + " baseline"
            : "paired percentile bootstrap: request indices resampled with replacement (the same"
                + " indices in both arms) and repetitions resampled in pairs; ci95 ="
                + " 2.5th..97.5th percentile of managed - baseline");
    s.put("pairing", c.pairing());
    s.put("seed", c.settings().seed());
    s.put("bootstrap", c.settings().bootstrap());
    slo(s.putObject("slo"), c.settings().slo());
    s.put("slo_source", c.settings().sloSource());
    s.put("headline", c.settings().headline());
    s.put("max_failure_rate", c.settings().maxFailureRate());
    s.put("min_effect_pct", c.settings().minEffectPct());
  }

  static void perModel(ObjectNode pm, Comparison c) {
    c.perModel().forEach((model, list) -> metrics(pm.putObject(model).putObject("metrics"), list));
  }

  static void paired(ObjectNode paired, List<PairedDeltas.Summary> list) {
    for (PairedDeltas.Summary p : list) {
      ObjectNode e = paired.putObject(p.key());
      e.put("pairs", p.pairs());
      num(e, "mean_delta", p.meanMs());
      interval(e, "mean_delta_ci95", p.meanCi95());
      num(e, "median_delta", p.medianMs());
      num(e, "p25_delta", p.p25Ms());
      num(e, "p75_delta", p.p75Ms());
      num(e, "managed_faster_pct", p.fasterPct());
      num(e, "managed_slower_pct", p.slowerPct());
    }
  }

  static void replicas(ObjectNode r, ArmProfile a) {
    for (ArmProfile.ReplicaShare x : a.replicas()) {
      ObjectNode e = r.putObject(x.id());
      e.put("model", x.model());
      num(e, "requests_per_run", x.requests());
      num(e, "share_pct", x.sharePct());
      num(e, "share_of_model_pct", x.shareOfModelPct());
      num(e, "mean_gpu_util_pct", x.meanUtilPct());
      num(e, "mean_gpu_power_w", x.meanPowerW());
      num(e, "mean_waiting", x.meanWaiting());
    }
  }

  static void balance(ObjectNode b, ArmProfile a) {
    a.balance()
        .forEach(
            (model, bal) -> {
              ObjectNode e = b.putObject(model);
              e.put("replicas", bal.replicas());
              num(e, "jain_index", bal.jainIndex());
              num(e, "cv", bal.cv());
            });
  }

  static void arm(ObjectNode o, ArmProfile a) {
    o.put("label", a.label());
    o.put("source", a.source());
    strings(o.putArray("lacks"), a.lacks());
    strings(o.putArray("urls"), a.urls());
    o.put("repetitions", a.runs().size());
    ArrayNode runs = o.putArray("runs");
    for (ArmProfile.RunInfo r : a.runs()) {
      ObjectNode e = runs.addObject();
      e.put("path", r.path());
      e.put("valid", r.valid());
      strings(e.putArray("reasons"), r.reasons());
      e.put("requests", r.requests());
      e.put("failed", r.failed());
      num(e, "duration_s", r.durationS());
      e.put("date", r.date());
      num(
          e,
          "p99_schedule_lag_ms",
          r.p99ScheduleLagMs() == null ? Double.NaN : r.p99ScheduleLagMs());
      if (r.lagGate() != null) {
        ObjectNode g = e.putObject("schedule_lag_gate");
        g.put("percentile", r.lagGate().percentile());
        num(g, "value_ms", r.lagGate().valueMs());
        num(g, "limit_ms", r.lagGate().limitMs());
        g.put("verdict", r.lagGate().verdict());
      }
      if (r.gates() != null) {
        ObjectNode t = e.putObject("thresholds");
        t.put("max_schedule_lag_ms", r.gates().maxScheduleLagMs());
        t.putPOJO("max_schedule_lag_share", r.gates().maxScheduleLagShare());
        t.put("min_achieved_ratio", r.gates().minAchievedRatio());
      }
    }
  }

  static void metrics(ObjectNode o, List<MetricResult> list) {
    for (MetricResult r : list) {
      ObjectNode e = o.putObject(r.key());
      e.put("label", r.metric().label());
      e.put("unit", r.metric().unit());
      e.put("group", r.metric().group());
      e.put("better", r.direction().word());
      num(e, "baseline", r.baseline());
      num(e, "managed", r.managed());
      num(e, "delta", r.delta());
      num(e, "delta_pct", r.deltaPct());
      interval(e, "ci95", r.ci95());
      interval(e, "ci95_pct", r.ci95Pct());
      e.put("verdict", r.verdict().word());
      if (r.note() != null) {
        e.put("note", r.note());
      }
      ArrayNode rb = e.putArray("baseline_runs");
      for (double v : r.baselineReps()) {
        add(rb, v);
      }
      ArrayNode rm = e.putArray("managed_runs");
      for (double v : r.managedReps()) {
        add(rm, v);
      }
    }
  }

  static void sweep(ObjectNode o, SweepResult s, Slo slo) {
    o.put("directory", s.directory());
    o.put("goodput_target_pct", s.goodputTargetPct());
    slo(o.putObject("slo"), slo);
    ArrayNode rates = o.putArray("rates");
    s.rates().forEach(rates::add);
    ObjectNode points = o.putObject("points");
    for (List<SweepPoint> arm : List.of(s.baseline(), s.managed())) {
      ArrayNode a = points.putArray(arm == s.baseline() ? "baseline" : "managed");
      for (SweepPoint p : arm) {
        ObjectNode n = a.addObject();
        n.put("rate", p.rate());
        n.put("path", p.path());
        n.put("repetitions", p.repetitions());
        n.put("valid", p.valid());
        num(n, "p99_ttft_ms", p.p99TtftMs());
        num(n, "median_tpot_ms", p.medianTpotMs());
        num(n, "goodput_pct", p.goodputPct());
        num(n, "output_throughput", p.outputThroughput());
        n.put("gpus", p.gpus());
        num(n, "output_throughput_per_gpu", p.outputPerGpu());
        num(n, "tokens_per_s_per_user", p.tokensPerSPerUser());
        num(n, "failure_rate_pct", p.failureRatePct());
        n.put("meets_target", p.meetsTarget());
      }
    }
    ObjectNode cap = o.putObject("capacity");
    for (ArmCapacity a : List.of(s.baselineCapacity(), s.managedCapacity())) {
      ObjectNode n = cap.putObject(a.arm());
      n.putPOJO("capacity_rps", a.capacityRps());
      n.put("at_least", a.atLeast());
      n.putPOJO("interpolated_rps", a.interpolatedRps());
    }
    cap.putPOJO("gain_pct", s.gainPct());
    cap.put("note", s.gainNote());
  }

  static void slo(ObjectNode o, Slo slo) {
    o.putPOJO("ttft_ms", slo.ttftMs());
    o.putPOJO("tpot_ms", slo.tpotMs());
    o.putPOJO("e2el_ms", slo.e2elMs());
  }

  static void strings(ArrayNode a, List<String> values) {
    values.forEach(a::add);
  }

  static void num(ObjectNode o, String key, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      o.putNull(key);
    } else {
      o.put(key, v);
    }
  }

  static void add(ArrayNode a, double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      a.addNull();
    } else {
      a.add(v);
    }
  }

  static void interval(ObjectNode o, String key, Interval ci) {
    if (ci == null) {
      o.putNull(key);
    } else {
      o.putArray(key).add(ci.lo()).add(ci.hi());
    }
  }
}
