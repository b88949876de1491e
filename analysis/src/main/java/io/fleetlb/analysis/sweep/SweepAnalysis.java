package io.fleetlb.analysis.sweep;

import io.fleetlb.analysis.input.InputException;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.RunDiscovery;
import io.fleetlb.analysis.input.RunReader;
import io.fleetlb.results.NumpyStats;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.Slo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a sweep ({@code DIR/rate-R/{baseline,managed}/...}, one or more repetitions per arm) and
 * finds each arm's capacity under the SLO: the highest offered rate meeting the goodput target.
 */
public final class SweepAnalysis {
  private static final Pattern RATE_DIR = Pattern.compile("rate-([0-9]+(?:\\.[0-9]+)?)");

  private SweepAnalysis() {}

  public static SweepResult analyse(Path dir, Slo slo, double targetFraction) {
    if (!Files.isDirectory(dir)) {
      throw InputException.unreadable(dir + ": the sweep directory does not exist");
    }
    TreeMap<Double, Path> rates = new TreeMap<>();
    try (Stream<Path> list = Files.list(dir)) {
      for (Path p : (Iterable<Path>) list.filter(Files::isDirectory)::iterator) {
        Matcher m = RATE_DIR.matcher(p.getFileName().toString());
        if (m.matches()) {
          rates.put(Double.parseDouble(m.group(1)), p);
        }
      }
    } catch (IOException e) {
      throw InputException.unreadable(dir + ": cannot list (" + e.getMessage() + ")");
    }
    if (rates.isEmpty()) {
      throw InputException.unreadable(
          dir + ": no rate-<R> directories (the layout bench/ab.sh --sweep writes)");
    }
    List<SweepPoint> base = new ArrayList<>();
    List<SweepPoint> man = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    double target = 100 * targetFraction;
    for (var e : rates.entrySet()) {
      List<Run> b = read(e.getValue().resolve("baseline"));
      List<Run> m = read(e.getValue().resolve("managed"));
      Set<String> hashes = new HashSet<>();
      b.forEach(r -> hashes.add(r.workloadHash()));
      m.forEach(r -> hashes.add(r.workloadHash()));
      if (hashes.size() != 1) {
        throw InputException.refused(
            e.getValue()
                + ": the arms replayed different workloads at this rate (workload_hash differs)");
      }
      SweepPoint pb =
          point(e.getKey(), "baseline", e.getValue().resolve("baseline"), b, slo, target);
      SweepPoint pm = point(e.getKey(), "managed", e.getValue().resolve("managed"), m, slo, target);
      for (SweepPoint p : List.of(pb, pm)) {
        if (!p.valid()) {
          warnings.add(
              "sweep: the "
                  + p.arm()
                  + " run at "
                  + fmt(p.rate())
                  + " req/s is invalid (its generator fell"
                  + " behind); its capacity is taken as below that rate");
        }
      }
      base.add(pb);
      man.add(pm);
    }
    ArmCapacity cb = capacity("baseline", base, target);
    ArmCapacity cm = capacity("managed", man, target);
    Double gain = null;
    String note;
    if (cb.capacityRps() == null) {
      note =
          "the baseline met the goodput target at no swept rate: sweep lower rates to measure its"
              + " capacity";
    } else if (cm.capacityRps() == null) {
      note = "the managed arm met the goodput target at no swept rate";
    } else {
      gain = 100 * (cm.capacityRps() / cb.capacityRps() - 1);
      note =
          cm.atLeast()
              ? "the managed arm met the target at the highest swept rate: its capacity, and the"
                    + " gain, may be higher"
              : cb.atLeast()
                  ? "the baseline met the target at the highest swept rate: sweep higher rates to"
                        + " measure the gain"
                  : null;
    }
    return new SweepResult(
        dir.toString(),
        target,
        List.copyOf(rates.keySet()),
        base,
        man,
        cb,
        cm,
        gain,
        note,
        List.copyOf(warnings));
  }

  private static List<Run> read(Path armDir) {
    return RunDiscovery.results(armDir).stream().map(RunReader::read).toList();
  }

  static SweepPoint point(
      double rate, String arm, Path path, List<Run> runs, Slo slo, double targetPct) {
    List<Double> ttft = new ArrayList<>();
    List<Double> tpot = new ArrayList<>();
    int good = 0;
    int failed = 0;
    int total = 0;
    boolean valid = true;
    double tput = 0;
    int gpus = 0;
    for (Run r : runs) {
      valid &= r.valid();
      for (RequestRecord q : r.requests()) {
        total++;
        if (!q.success()) {
          failed++;
          continue;
        }
        ttft.add(q.ttft());
        if (!Double.isNaN(q.tpot())) {
          tpot.add(q.tpot());
        }
        good += q.meets(slo) ? 1 : 0;
      }
      tput += r.result().totals().outputThroughput() / runs.size();
      gpus = Math.max(gpus, gpuCount(r));
    }
    double p99 =
        NumpyStats.percentile(ttft.stream().mapToDouble(Double::doubleValue).toArray(), 99);
    double tpotMedian =
        NumpyStats.percentile(tpot.stream().mapToDouble(Double::doubleValue).toArray(), 50);
    double goodPct = total == 0 ? 0 : 100.0 * good / total;
    return new SweepPoint(
        rate,
        arm,
        path.toString(),
        runs.size(),
        valid,
        p99,
        tpotMedian,
        goodPct,
        tput,
        gpus,
        gpus == 0 ? Double.NaN : tput / gpus,
        tpotMedian > 0 ? 1000 / tpotMedian : Double.NaN,
        total == 0 ? 0 : 100.0 * failed / total,
        valid && goodPct >= targetPct);
  }

  /** GPUs sampled by telemetry, else the replicas that served requests. */
  private static int gpuCount(Run r) {
    int sampled =
        r.result().telemetry() == null || r.result().telemetry().run() == null
            ? 0
            : r.result().telemetry().run().gpus();
    if (sampled > 0) {
      return sampled;
    }
    Set<String> ids = new HashSet<>();
    for (RequestRecord q : r.requests()) {
      if (q.replica() != null) {
        ids.add(q.replica());
      }
    }
    return ids.size();
  }

  static ArmCapacity capacity(String arm, List<SweepPoint> points, double targetPct) {
    Double cap = null;
    Double interpolated = null;
    int k = 0;
    while (k < points.size() && points.get(k).meetsTarget()) {
      cap = points.get(k).rate();
      k++;
    }
    boolean atLeast = k == points.size() && cap != null;
    if (cap != null && k < points.size() && points.get(k).valid()) {
      SweepPoint lo = points.get(k - 1);
      SweepPoint hi = points.get(k);
      double span = lo.goodputPct() - hi.goodputPct();
      interpolated =
          span <= 0
              ? lo.rate()
              : lo.rate() + (lo.goodputPct() - targetPct) / span * (hi.rate() - lo.rate());
    } else if (cap != null) {
      interpolated = cap;
    }
    return new ArmCapacity(arm, cap, atLeast, interpolated);
  }

  static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
