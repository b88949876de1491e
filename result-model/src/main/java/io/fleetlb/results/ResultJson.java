package io.fleetlb.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes {@link RunResult} as one flat-topped JSON object: the flat parts merged at the
 * top level in vLLM's order (setup, metadata, aggregates, per-request arrays, statistics), then our
 * flat figures, then the blocks. Writing goes through a temporary file so a reader never sees half
 * a result.
 */
public final class ResultJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final List<String> BLOCKS =
      List.of(
          "validity",
          "bench",
          "workload",
          "steady_state",
          "per_model",
          "per_class",
          "per_replica",
          "balance",
          "connections",
          "timeseries",
          "telemetry",
          "files",
          "definitions",
          "sessions");

  private ResultJson() {}

  /** The result as a JSON tree. */
  public static ObjectNode toTree(RunResult r) {
    ObjectNode o = MAPPER.createObjectNode();
    ObjectNode header = MAPPER.valueToTree(r.header());
    header
        .properties()
        .forEach(
            e -> {
              o.set(e.getKey(), e.getValue());
              if (e.getKey().equals("num_prompts")) {
                r.metadata().forEach(o::put);
              }
            });
    o.setAll((ObjectNode) MAPPER.valueToTree(r.totals()));
    if (r.detailed() != null) {
      o.setAll((ObjectNode) MAPPER.valueToTree(r.detailed()));
    }
    r.stats().forEach((k, v) -> o.set(k, MAPPER.valueToTree(v)));
    o.setAll((ObjectNode) MAPPER.valueToTree(r.headline()));
    o.set("validity", MAPPER.valueToTree(r.validity()));
    o.set("bench", MAPPER.valueToTree(r.bench()));
    o.set("workload", MAPPER.valueToTree(r.workload()));
    o.set("steady_state", MAPPER.valueToTree(r.steadyState()));
    o.set("per_model", MAPPER.valueToTree(r.perModel()));
    o.set("per_class", MAPPER.valueToTree(r.perClass()));
    o.set("per_replica", MAPPER.valueToTree(r.perReplica()));
    o.set("balance", MAPPER.valueToTree(r.balance()));
    o.set("connections", MAPPER.valueToTree(r.connections()));
    o.set("timeseries", MAPPER.valueToTree(r.timeseries()));
    o.set("telemetry", MAPPER.valueToTree(r.telemetry()));
    o.set("files", MAPPER.valueToTree(r.files()));
    o.set("definitions", MAPPER.valueToTree(r.definitions()));
    if (r.sessions() != null) {
      o.set("sessions", MAPPER.valueToTree(r.sessions()));
    }
    return o;
  }

  /** Writes the result to {@code file} (pretty-printed), atomically. */
  public static void write(RunResult r, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    MAPPER.writeValue(tmp.toFile(), toTree(r));
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Whether a parsed document is a fleetlb bench result (it carries the result format version). */
  public static boolean isResult(JsonNode doc) {
    return doc != null && doc.isObject() && doc.path("bench").path("result_format_version").isInt();
  }

  /** Reads a result file. */
  public static RunResult read(Path file) throws IOException {
    return fromTree(MAPPER.readTree(file.toFile()));
  }

  /**
   * A result from its JSON tree; blocks a result lacks are null (or empty maps).
   *
   * @throws JsonProcessingException naming the key whose value does not fit
   */
  public static RunResult fromTree(JsonNode t) throws JsonProcessingException {
    RunHeader header = MAPPER.treeToValue(t, RunHeader.class);
    RunTotals totals = MAPPER.treeToValue(t, RunTotals.class);
    RunHeadline headline = MAPPER.treeToValue(t, RunHeadline.class);
    RunDetailed detailed = t.has("ttfts") ? MAPPER.treeToValue(t, RunDetailed.class) : null;
    Set<String> fixed = new HashSet<>(BLOCKS);
    fixed.addAll(RunDetailed.KEYS);
    for (Object part : List.of(header, totals, headline)) {
      MAPPER.<JsonNode>valueToTree(part).fieldNames().forEachRemaining(fixed::add);
    }
    Map<String, Double> stats = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (fixed.contains(e.getKey())) {
        continue;
      }
      if (e.getValue().isNumber() && LatencyStats.isKey(e.getKey())) {
        stats.put(e.getKey(), e.getValue().asDouble());
      } else if (e.getValue().isTextual()) {
        metadata.put(e.getKey(), e.getValue().asText());
      }
    }
    return new RunResult(
        header,
        metadata,
        totals,
        detailed,
        stats,
        headline,
        block(t, "validity", ValidityReport.class),
        block(t, "bench", BenchInfo.class),
        block(t, "workload", WorkloadInfo.class),
        block(t, "steady_state", SteadyStateFigures.class),
        map(t, "per_model", new TypeReference<Map<String, GroupFigures>>() {}),
        map(t, "per_class", new TypeReference<Map<String, GroupFigures>>() {}),
        map(t, "per_replica", new TypeReference<Map<String, GroupFigures>>() {}),
        map(t, "balance", new TypeReference<Map<String, ModelBalance>>() {}),
        block(t, "connections", ConnectionFigures.class),
        block(t, "timeseries", PerSecondSeries.class),
        block(t, "telemetry", TelemetryFigures.class),
        block(t, "files", FileNames.class),
        map(t, "definitions", new TypeReference<Map<String, String>>() {}),
        block(t, "sessions", SessionFigures.class));
  }

  private static <T> T block(JsonNode t, String key, Class<T> type) throws JsonProcessingException {
    JsonNode n = t.get(key);
    return n == null || n.isNull() ? null : MAPPER.treeToValue(n, type);
  }

  private static <T> T map(JsonNode t, String key, TypeReference<T> type)
      throws JsonProcessingException {
    JsonNode n = t.get(key);
    return n == null || n.isNull() ? null : MAPPER.treeToValue(n, type);
  }
}
