package io.fleetlb.sim.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profiles;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.fleetlb.units.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a fleet file: many replicas for one process, e.g. {@code vllm-sim/fleet-6.yaml}.
 *
 * <p>The file has an optional {@code defaults} map and a {@code replicas} list; keys are the
 * command line's long option names ({@code model}, {@code port}, {@code profile}, {@code
 * time-scale}, ...). Unknown keys and bad values are errors naming the file, the field and the
 * value.
 */
public final class FleetFile {

  private static final Set<String> SHARED =
      Set.of(
          "host",
          "profile",
          "max-num-seqs",
          "max-num-batched-tokens",
          "time-scale",
          "metrics-version",
          "seed",
          "startup-delay",
          "error-rate",
          "stall-after",
          "slowdown",
          "keep-alive-timeout",
          "enable-prefix-caching",
          "enable-prompt-tokens-details");
  private static final Set<String> PER_REPLICA =
      Set.of("id", "model", "port", "gpu-index", "request-log");

  private FleetFile() {}

  /** Loads and validates the file into one options record per replica. */
  public static List<ReplicaOptions> load(Path file) {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage());
    }
    String where = file.getFileName().toString();
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(where + ": expected a map with 'replicas'");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("defaults") && !k.equals("replicas")) {
        throw new IllegalArgumentException(
            where + ": unknown key '" + k + "' (expected defaults, replicas)");
      }
    }
    JsonNode defaults = root.path("defaults");
    checkKeys(where + ": defaults", defaults, SHARED);
    JsonNode replicas = root.get("replicas");
    if (replicas == null || !replicas.isArray() || replicas.isEmpty()) {
      throw new IllegalArgumentException(where + ": 'replicas' must be a non-empty list");
    }
    List<ReplicaOptions> out = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    Set<Integer> ports = new HashSet<>();
    Set<Path> requestLogs = new HashSet<>();
    for (int i = 0; i < replicas.size(); i++) {
      String at = where + ": replicas[" + i + "]";
      JsonNode r = replicas.get(i);
      checkKeys(at, r, union(SHARED, PER_REPLICA));
      ReplicaOptions o = replica(at, r, defaults, i);
      if (!ids.add(o.id())) {
        throw new IllegalArgumentException(at + ".id: duplicate id '" + o.id() + "'");
      }
      if (o.port() != 0 && !ports.add(o.port())) {
        throw new IllegalArgumentException(at + ".port: duplicate port " + o.port());
      }
      if (o.requestLog() != null && !requestLogs.add(o.requestLog().toAbsolutePath().normalize())) {
        throw new IllegalArgumentException(
            at + ".request-log: " + o.requestLog() + " is another replica's");
      }
      out.add(o);
    }
    return out;
  }

  private static ReplicaOptions replica(String at, JsonNode r, JsonNode defaults, int index) {
    String model = text(at, r, "model", null);
    if (model == null) {
      throw new IllegalArgumentException(at + ".model: required");
    }
    ReplicaOptions.Builder b =
        ReplicaOptions.builder(model)
            .id(text(at, r, "id", "replica-" + (index + 1)))
            .port(integer(at, r, "port", 0))
            .gpuIndex(integer(at, r, "gpu-index", index));
    String requestLog = text(at, r, "request-log", null);
    if (requestLog != null) {
      b.requestLog(Path.of(requestLog));
    }
    String profile = text(at, r, "profile", text(at, defaults, "profile", null));
    if (profile != null) {
      b.profile(
          Profiles.byId(profile)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          at
                              + ".profile: unknown profile '"
                              + profile
                              + "' (known: "
                              + String.join(", ", Profiles.ids())
                              + ")")));
    }
    b.host(text(at, r, "host", text(at, defaults, "host", "127.0.0.1")));
    int seqs = integer(at, r, "max-num-seqs", integer(at, defaults, "max-num-seqs", -1));
    if (seqs != -1) {
      b.maxNumSeqs(seqs);
    }
    int budget =
        integer(
            at, r, "max-num-batched-tokens", integer(at, defaults, "max-num-batched-tokens", -1));
    if (budget != -1) {
      b.maxNumBatchedTokens(budget);
    }
    b.timeScale(number(at, r, "time-scale", number(at, defaults, "time-scale", 1.0)));
    b.seed(integer(at, r, "seed", integer(at, defaults, "seed", 0) + index));
    b.errorRate(number(at, r, "error-rate", number(at, defaults, "error-rate", 0.0)));
    b.stallAfter(integer(at, r, "stall-after", integer(at, defaults, "stall-after", -1)));
    b.slowdown(number(at, r, "slowdown", number(at, defaults, "slowdown", 1.0)));
    JsonNode caching = r.has("enable-prefix-caching") ? r : defaults;
    if (caching.hasNonNull("enable-prefix-caching")) {
      b.enablePrefixCaching(bool(at, caching, "enable-prefix-caching"));
    }
    JsonNode details = r.has("enable-prompt-tokens-details") ? r : defaults;
    if (details.hasNonNull("enable-prompt-tokens-details")) {
      b.enablePromptTokensDetails(bool(at, details, "enable-prompt-tokens-details"));
    }
    String version = text(at, r, "metrics-version", text(at, defaults, "metrics-version", "v1"));
    String startup = text(at, r, "startup-delay", text(at, defaults, "startup-delay", "0s"));
    String keepAlive =
        text(at, r, "keep-alive-timeout", text(at, defaults, "keep-alive-timeout", "5s"));
    try {
      b.metricsVersion(MetricsVersion.parse(version));
      b.startupDelay(Durations.parse(startup));
      b.keepAliveTimeout(Durations.parse(keepAlive));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage());
    }
  }

  private static void checkKeys(String at, JsonNode node, Set<String> allowed) {
    if (node.isMissingNode()) {
      return;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(at + ": expected a map");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      String k = it.next().getKey();
      if (!allowed.contains(k)) {
        throw new IllegalArgumentException(at + ": unknown key '" + k + "'");
      }
    }
  }

  private static String text(String at, JsonNode n, String key, String fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(at + "." + key + ": expected a value, got " + v);
    }
    return v.asText();
  }

  private static boolean bool(String at, JsonNode n, String key) {
    JsonNode v = n.get(key);
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(
          at + "." + key + ": expected true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }

  private static int integer(String at, JsonNode n, String key, int fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(
          at + "." + key + ": expected an integer, got '" + v.asText() + "'");
    }
    return v.asInt();
  }

  private static double number(String at, JsonNode n, String key, double fallback) {
    JsonNode v = n.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(
          at + "." + key + ": expected a number, got '" + v.asText() + "'");
    }
    return v.asDouble();
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new HashSet<>(a);
    out.addAll(b);
    return out;
  }
}
