package io.fleetlb.analysis;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.analysis.input.Run;
import io.fleetlb.analysis.input.Source;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.RequestRecords;
import io.fleetlb.results.ResultJson;
import io.fleetlb.results.Slo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;

/**
 * Builds bench runs with known numbers for tests: in memory ({@link #build}) or as bench's files on
 * disk ({@link #write}: result JSON and requests JSON lines with the keys bench-format.md lists).
 */
public final class SyntheticRun {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private String hash = "a".repeat(64);
  private boolean valid = true;
  private double duration = 10;
  private final List<String> models = new ArrayList<>();
  private IntToDoubleFunction ttft = i -> 100;
  private IntToDoubleFunction tpot = i -> 10;
  private int outputTokens = 11;
  private IntToDoubleFunction failed = i -> 0;
  private int requests = 100;
  private Slo slo;
  private double gateMs = 1.0;
  private String label = "synthetic";
  private Integer usageTokens;

  /**
   * The schedule's span: every request is due in [0, 9 s); the steady-state window is [0.9 s, 8.1
   * s).
   */
  static final double SPAN_S = 9;

  public static SyntheticRun of(int requests) {
    SyntheticRun s = new SyntheticRun();
    s.requests = requests;
    return s;
  }

  public SyntheticRun hash(String h) {
    hash = h;
    return this;
  }

  public SyntheticRun invalid() {
    valid = false;
    return this;
  }

  public SyntheticRun duration(double s) {
    duration = s;
    return this;
  }

  /** Models assigned round-robin by index. */
  public SyntheticRun models(String... names) {
    models.addAll(List.of(names));
    return this;
  }

  public SyntheticRun ttft(IntToDoubleFunction f) {
    ttft = f;
    return this;
  }

  public SyntheticRun tpot(IntToDoubleFunction f) {
    tpot = f;
    return this;
  }

  /** Indices for which f returns non-zero fail. */
  public SyntheticRun failing(IntToDoubleFunction f) {
    failed = f;
    return this;
  }

  private String model(int i) {
    return models.isEmpty() ? "m1" : models.get(i % models.size());
  }

  public RequestRecord record(int i) {
    boolean ok = failed.applyAsDouble(i) == 0;
    double t = ttft.applyAsDouble(i);
    double tp = tpot.applyAsDouble(i);
    long[] itl = new long[ok ? outputTokens - 1 : 0];
    java.util.Arrays.fill(itl, Math.round(tp * 1e6));
    double e2el = t + tp * (outputTokens - 1);
    // requests due evenly over the workload's span (9 s), whatever the run's duration (its drain)
    long start = Math.round(i * SPAN_S * 1e9 / requests);
    long first = ok ? start + Math.round(t * 1e6) : -1;
    long last = ok ? start + Math.round(e2el * 1e6) : -1;
    int usage = usageTokens != null ? usageTokens : outputTokens;
    return new RequestRecord(
        i,
        model(i),
        null,
        "r" + (i % 2) + "-" + model(i),
        ok,
        ok ? 200 : 503,
        ok ? null : "HTTP 503: overloaded",
        start,
        start,
        start,
        start,
        first,
        last,
        ok ? last : start + 1_000_000,
        RequestRecord.ifKnown(ok, t),
        RequestRecord.ifKnown(ok, e2el),
        RequestRecord.ifKnown(ok, tp),
        RequestRecord.ifKnown(ok, t),
        RequestRecord.ifKnown(ok, e2el),
        0.0,
        ok ? 50 : 0,
        ok ? usage : 0,
        ok ? usage : 0,
        50,
        outputTokens,
        ok ? outputTokens : 0,
        1,
        ok,
        false,
        itl);
  }

  /** Records the goodput SLO the runs were measured with (bench run --goodput). */
  public SyntheticRun slo(Slo s) {
    slo = s;
    return this;
  }

  /** The validity gate the run was judged by (--max-schedule-lag-ms). */
  public SyntheticRun lagGate(double ms) {
    gateMs = ms;
    return this;
  }

  /** Output tokens each response reports in its usage (default: one per token event). */
  public SyntheticRun usageTokens(int n) {
    usageTokens = n;
    return this;
  }

  public SyntheticRun label(String l) {
    label = l;
    return this;
  }

  ObjectNode result() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("date", "20260101-000000");
    o.put("label", label);
    o.put("num_prompts", requests);
    o.put("request_rate", requests / duration);
    o.put("burstiness", 1.0);
    o.put("duration", duration);
    o.set("goodput_slo", MAPPER.valueToTree(slo));
    o.put("valid", valid);
    o.put("workload_hash", hash);
    ObjectNode validity = o.putObject("validity");
    validity.put("valid", valid);
    validity.putArray("reasons");
    if (!valid) {
      validity
          .withArray("reasons")
          .add(
              "p99 schedule lag 5.000 ms exceeds 1.000 ms: the generator fell behind the schedule");
    }
    validity.putArray("warnings");
    ObjectNode th = validity.putObject("thresholds");
    th.put("max_schedule_lag_ms", gateMs);
    th.put("max_schedule_lag_share", 0.05);
    th.put("min_achieved_ratio", 0.99);
    ObjectNode bench = o.putObject("bench");
    bench.put("result_format_version", 2);
    bench.put("url", "http://127.0.0.1:1");
    ObjectNode w = o.putObject("workload");
    w.put("content_sha256", hash);
    w.put("span_s", duration);
    w.put("seed", 0);
    w.putObject("dataset").put("name", "random");
    w.putObject("settings");
    ObjectNode ss = o.putObject("steady_state");
    ss.put("start_s", SPAN_S / 10);
    ss.put("end_s", SPAN_S * 0.9);
    ss.put("requests", requests);
    ss.put(
        "output_throughput",
        requests * (usageTokens != null ? usageTokens : outputTokens) / duration);
    o.putObject("files").put("requests", "result.requests.jsonl").putNull("telemetry");
    return o;
  }

  public Run build() {
    RequestRecord[] recs = new RequestRecord[requests];
    for (int i = 0; i < requests; i++) {
      recs[i] = record(i);
    }
    try {
      return new Run(
          Path.of("synthetic/result.json"),
          Source.FLEETLB_BENCH,
          ResultJson.fromTree(result()),
          recs,
          List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes {@code dir/result.json} and {@code dir/result.requests.jsonl}; returns the result's
   * path.
   */
  public Path write(Path dir) {
    try {
      Files.createDirectories(dir);
      Path result = dir.resolve("result.json");
      MAPPER.writerWithDefaultPrettyPrinter().writeValue(result.toFile(), result());
      List<RequestRecord> recs = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        recs.add(record(i));
      }
      RequestRecords.write(dir.resolve("result.requests.jsonl"), recs);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
