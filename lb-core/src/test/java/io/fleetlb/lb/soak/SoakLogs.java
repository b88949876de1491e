package io.fleetlb.lb.soak;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads what the routers and replicas wrote: the routers' access logs (one logfmt line per
 * request) and the replicas' request logs ({@code vllm-sim --request-log}), grouped by request id.
 */
final class SoakLogs {
  /** A router's access-log line for one request. */
  record Access(int status, String reason, String replica, int attempts) {}

  /**
   * One attempt of a request on a replica, as the replica saw it: when it arrived, when it wrote
   * its first output token (-1: never), how many tokens it sent and how it ended (null: the log
   * has no end, e.g. the replica was killed).
   */
  static final class Attempt {
    final String replica;
    final long receivedUs;
    long firstTokenUs = -1;
    long endUs = -1;
    int tokens;
    String outcome;

    Attempt(String replica, long receivedUs) {
      this.replica = replica;
      this.receivedUs = receivedUs;
    }
  }

  private static final Pattern PAIR = Pattern.compile("(\\w+)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

  private SoakLogs() {}

  /** Access-log lines by request id; an id logged twice maps to a list of two. */
  static Map<String, List<Access>> access(Path file) throws IOException {
    Map<String, List<Access>> out = new HashMap<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String line : Files.readAllLines(file)) {
      Map<String, String> kv = new HashMap<>();
      Matcher m = PAIR.matcher(line);
      while (m.find()) {
        String v = m.group(2);
        kv.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
      }
      String id = kv.get("id");
      if (id == null || kv.get("status") == null) {
        continue;
      }
      out.computeIfAbsent(id, k -> new ArrayList<>(1)).add(new Access(
          Integer.parseInt(kv.get("status")), kv.getOrDefault("reason", "-"),
          kv.getOrDefault("replica", "-"), Integer.parseInt(kv.getOrDefault("attempts", "0"))));
    }
    return out;
  }

  /** Every replica's attempts by request id, from the {@code *.requests.jsonl} files in dir. */
  static Map<String, List<Attempt>> attempts(Path dir) throws IOException {
    Map<String, List<Attempt>> out = new HashMap<>();
    Map<String, Attempt> byKey = new LinkedHashMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".requests.jsonl")).sorted().toList()) {
        for (String line : Files.readAllLines(f)) {
          if (line.isBlank()) {
            continue;
          }
          JsonObject e;
          try {
            e = new JsonObject(line);
          } catch (RuntimeException torn) {
            continue; // the last line of a replica killed while writing it
          }
          String id = e.getString("request_id");
          if (id == null) {
            continue;
          }
          String replica = e.getString("replica");
          long received = e.getLong("received_us");
          Attempt a = byKey.computeIfAbsent(replica + "/" + id + "/" + received, k -> {
            Attempt n = new Attempt(replica, received);
            out.computeIfAbsent(id, x -> new ArrayList<>(1)).add(n);
            return n;
          });
          Long first = e.getLong("first_token_us");
          if (first != null) {
            a.firstTokenUs = first;
          }
          a.tokens = Math.max(a.tokens, e.getInteger("tokens", 0));
          if ("end".equals(e.getString("event"))) {
            a.outcome = e.getString("outcome");
            a.endUs = e.getLong("end_us", -1L);
          }
        }
      }
    }
    return out;
  }

  /** The sum over every series of a metric in a Prometheus exposition (NaN when absent). */
  static double sum(String exposition, String metric) {
    return sum(exposition, metric, "");
  }

  /** The sum over the series of a metric whose labels contain {@code labels} (NaN: none). */
  static double sum(String exposition, String metric, String labels) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "(\\{[^}]*\\})? (\\S+)$")
        .matcher(exposition);
    double total = Double.NaN;
    while (m.find()) {
      if (m.group(1) == null ? labels.isEmpty() : m.group(1).contains(labels)) {
        total = (Double.isNaN(total) ? 0 : total) + Double.parseDouble(m.group(2));
      }
    }
    return total;
  }
}
