package io.fleetlb.lb.roundrobin.overhead;

import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Map;

/** Formats the benchmark's results as JSON and as the Markdown tables of docs/benchmarks.md. */
final class Report {
  private Report() {}

  static String json(Map<String, Object> report) {
    return new JsonObject(report).encodePrettily();
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "Run %s, %s CPUs, load average before: %s, after: %s.%n%n",
        r.get("started"), r.get("cpus"), r.get("loadavg_before"), r.get("loadavg_after")));
    if (r.containsKey("router_variants")) {
      b.append("Router variants:\n\n");
      ((Map<String, Object>) r.get("router_variants")).forEach((k, v) ->
          b.append("- ").append(k).append(": ").append(v).append('\n'));
      b.append("\nRouters' `listen.transport`: ").append(r.getOrDefault("router_transport",
          "auto")).append("\n\n");
    }
    if (r.containsKey("latency")) {
      latency(r, b);
    }
    if (r.containsKey("throughput")) {
      throughput(r, b);
    }
    if (r.containsKey("streams")) {
      streams(r, b);
    }
    b.append(String.format(Locale.ROOT, "%nRouter exit status after SIGTERM: %s; its GC pauses"
        + " over the whole run: %s%n", r.get("router_exit_status_after_sigterm"),
        r.get("router_gc_pauses")));
    return b.toString();
  }

  @SuppressWarnings("unchecked")
  private static void latency(Map<String, Object> r, StringBuilder b) {
    Map<String, Map<String, Object>> lat = (Map<String, Map<String, Object>>) r.get("latency");
    Map<String, Object> direct = lat.get("direct");
    b.append("Open loop at ").append(r.get("rate"))
        .append(" req/s (latency from the scheduled send time, microseconds; generator: native"
            + " transport ").append(r.get("generator_native_transport")).append(", JVM flags `")
        .append(r.get("generator_jvm_flags")).append("`):\n\n");
    b.append("| target | p50 | p99 | p99.9 | max | added p50 | added p99 | ok | failed |"
        + " generator lag max | after idle: p99 | after idle: max | after idle: failed |\n");
    b.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (Map.Entry<String, Map<String, Object>> e : lat.entrySet()) {
      Map<String, Object> v = e.getValue();
      boolean isDirect = e.getKey().equals("direct");
      b.append(String.format(Locale.ROOT,
          "| %s | %d | %d | %d | %d | %s | %s | %d | %d | %d | %d | %d | %d |%n",
          e.getKey(), n(v, "p50_us"), n(v, "p99_us"), n(v, "p999_us"), n(v, "max_us"),
          isDirect ? "-" : Long.toString(n(v, "p50_us") - n(direct, "p50_us")),
          isDirect ? "-" : Long.toString(n(v, "p99_us") - n(direct, "p99_us")),
          n(v, "ok"), n(v, "failed"), n(v, "max_schedule_lag_us"), n(v, "after_idle_p99_us"),
          n(v, "after_idle_max_us"), n(v, "after_idle_failed")));
    }
  }

  @SuppressWarnings("unchecked")
  private static void throughput(Map<String, Object> r, StringBuilder b) {
    Map<String, Map<String, Object>> t = (Map<String, Map<String, Object>>) r.get("throughput");
    Map<String, Object> nginx = t.get("nginx");
    double nginxRps = ((Number) nginx.get("rps")).doubleValue();
    b.append("\nMaximum throughput (wrk -t2 -c64 --latency, a 5 s warm-up, then the best of two"
        + " interleaved 8 s runs; p50/p99 of that run, microseconds):\n\n");
    b.append("| target | req/s | / nginx | p50 | p99 | p99 / nginx |\n|---|---|---|---|---|---|\n");
    t.forEach((k, v) -> b.append(String.format(Locale.ROOT, "| %s | %.0f | %.2fx | %d | %d |"
        + " %.2fx |%n", k, ((Number) v.get("rps")).doubleValue(),
        ((Number) v.get("rps")).doubleValue() / nginxRps, n(v, "p50_us"), n(v, "p99_us"),
        (double) n(v, "p99_us") / n(nginx, "p99_us"))));
  }

  @SuppressWarnings("unchecked")
  private static void streams(Map<String, Object> r, StringBuilder b) {
    Map<String, Object> s = (Map<String, Object>) r.get("streams");
    b.append(String.format(Locale.ROOT, "%nConcurrent SSE streams through lb-roundrobin: %d "
            + "requested, %d completed with [DONE], %d failed; %d open at the upstream at once "
            + "(all open after %d ms). Router RSS %.0f MiB, heap in use %.0f MiB, live heap after"
            + " a full GC %.0f MiB (%s).%n",
        n(s, "requested"), n(s, "completed"), n(s, "failed"), n(s, "peak_open_at_upstream"),
        n(s, "all_open_after_ms"), n(s, "router_rss_bytes") / 1048576.0,
        n(s, "router_heap_used_bytes") / 1048576.0,
        n(s, "router_heap_live_after_gc_bytes") / 1048576.0, r.get("router_jvm_flags")));
    Map<String, Object> c = (Map<String, Object>) r.get("cancel_to_upstream_reset_us");
    b.append(String.format(Locale.ROOT, "%nClient disconnect to upstream reset (%d streams): "
        + "p50 %d us, p99 %d us, max %d us.%n", n(c, "count"), n(c, "p50"), n(c, "p99"),
        n(c, "max")));
  }

  private static long n(Map<String, Object> m, String k) {
    return ((Number) m.get(k)).longValue();
  }
}
