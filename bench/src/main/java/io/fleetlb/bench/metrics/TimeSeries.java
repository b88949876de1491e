package io.fleetlb.bench.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * Per-second series on the run's clock (second k covers [k, k+1) s after the schedule's zero):
 * offered (scheduled) versus sent requests, completions, failures, output tokens emitted,
 * mean requests in flight, TTFT and schedule-lag percentiles (HdrHistogram, 3 significant
 * digits) and completions per replica. The per-second view shows where a run fell behind or
 * a replica stalled, which whole-run figures hide.
 */
public final class TimeSeries {
  private TimeSeries() {
  }

  public static ObjectNode perSecond(List<RequestOutcome> all, double durationS) {
    int bins = Math.max(1, (int) Math.ceil(durationS));
    double[] offered = new double[bins];
    double[] sent = new double[bins];
    double[] completed = new double[bins];
    double[] failed = new double[bins];
    double[] tokens = new double[bins];
    double[] inFlight = new double[bins];
    PerBin ttft = new PerBin(all.size());
    PerBin lag = new PerBin(all.size());
    Map<String, double[]> perReplica = new TreeMap<>();
    for (RequestOutcome r : all) {
      inc(offered, r.scheduledNs(), 1);
      if (r.arrivalNs() >= 0) {
        inc(sent, r.arrivalNs(), 1);
        lag.add(bin(r.arrivalNs(), bins), r.scheduleLagNs());
      }
      if (r.doneNs() >= 0) {
        inc(r.success() ? completed : failed, r.doneNs(), 1);
      }
      if (r.startNs() >= 0 && r.doneNs() >= 0) {
        spread(inFlight, r.startNs(), r.doneNs());
      }
      if (r.success()) {
        ttft.add(bin(r.firstTokenNs(), bins), r.ttftNs());
        double perEvent = r.tokenEvents() == 0 ? 0 : r.outputTokens() / (double) r.tokenEvents();
        long t = r.firstTokenNs();
        inc(tokens, t, perEvent);
        for (long gap : r.itlNs()) {
          t += gap;
          inc(tokens, t, perEvent);
        }
        String id = r.replica() == null ? Breakdowns.UNATTRIBUTED : r.replica();
        inc(perReplica.computeIfAbsent(id, k -> new double[bins]), r.doneNs(), 1);
      }
    }
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("interval_s", 1);
    ArrayNode ts = o.putArray("t_s");
    for (int i = 0; i < bins; i++) {
      ts.add(i);
    }
    put(o, "offered", offered);
    put(o, "sent", sent);
    put(o, "completed", completed);
    put(o, "failed", failed);
    put(o, "output_tokens", tokens);
    put(o, "in_flight_mean", inFlight);
    ttft.put(o, bins, new double[] {50, 99}, new String[] {"ttft_p50_ms", "ttft_p99_ms"});
    lag.put(o, bins, new double[] {99}, new String[] {"schedule_lag_p99_ms"});
    ObjectNode pr = o.putObject("completed_per_replica");
    perReplica.forEach((id, v) -> put(pr, id, v));
    return o;
  }

  private static int bin(long tNs, int bins) {
    return (int) Math.max(0, Math.min(bins - 1, Math.floorDiv(tNs, 1_000_000_000L)));
  }

  private static void inc(double[] a, long tNs, double v) {
    a[bin(tNs, a.length)] += v;
  }

  /** Adds the overlap, in seconds, of [from, to) with each one-second bin. */
  private static void spread(double[] a, long fromNs, long toNs) {
    for (long s = Math.max(0, Math.floorDiv(fromNs, 1_000_000_000L)); s < a.length; s++) {
      long lo = Math.max(fromNs, s * 1_000_000_000L);
      long hi = Math.min(toNs, (s + 1) * 1_000_000_000L);
      if (hi <= lo) {
        if (s * 1_000_000_000L >= toNs) {
          break;
        }
        continue;
      }
      a[(int) s] += (hi - lo) / 1e9;
    }
  }

  private static void put(ObjectNode o, String key, double[] v) {
    ArrayNode a = o.putArray(key);
    for (double x : v) {
      if (x == Math.rint(x)) {
        a.add((long) x);
      } else {
        a.add(x);
      }
    }
  }

  /**
   * Values tagged with their second, packed as (second << 32 | microseconds) and sorted, then read
   * back second by second through one reused HdrHistogram: memory stays proportional to the number
   * of requests however long the run.
   */
  private static final class PerBin {
    private long[] packed;
    private int n;

    PerBin(int capacity) {
      packed = new long[Math.max(16, capacity)];
    }

    void add(int bin, long valueNs) {
      if (n == packed.length) {
        packed = java.util.Arrays.copyOf(packed, n * 2);
      }
      long us = Math.min(0xFFFF_FFFFL, Math.max(0, valueNs / 1000));
      packed[n++] = ((long) bin << 32) | us;
    }

    void put(ObjectNode o, int bins, double[] ps, String[] keys) {
      java.util.Arrays.sort(packed, 0, n);
      ArrayNode[] arrays = new ArrayNode[keys.length];
      for (int k = 0; k < keys.length; k++) {
        arrays[k] = o.putArray(keys[k]);
      }
      Histogram h = new Histogram(3);
      int i = 0;
      for (int b = 0; b < bins; b++) {
        h.reset();
        while (i < n && (int) (packed[i] >>> 32) == b) {
          h.recordValue(packed[i] & 0xFFFF_FFFFL);
          i++;
        }
        for (int k = 0; k < ps.length; k++) {
          if (h.getTotalCount() == 0) {
            arrays[k].addNull();
          } else {
            arrays[k].add(h.getValueAtPercentile(ps[k]) / 1e3);
          }
        }
      }
    }
  }
}
