package io.fleetlb.lb.queueaware.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.lb.proxy.RouterRequests;
import io.fleetlb.sim.api.SimRequests;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import io.fleetlb.sim.engine.SequenceSpec;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads one model's requests of a frozen bench workload file ({@code bench.jar workload}, format
 * 1 or 2, plain or gzipped) with their exact bodies: each body, cut out of its line as bench sends
 * it, is read by lb-core's own parser (the policy's {@link io.fleetlb.lb.policy.RequestInfo} with
 * the canonical prompt text) and by vllm-sim's (the engine's {@link SequenceSpec} with the
 * prompt's block hashes), so a virtual run replays what a real-time run sends. Session turns keep
 * their session, index and think time.
 */
final class BenchWorkload {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BODY = ",\"body\":";

  private BenchWorkload() {}

  /** The served model's profile, as the demo fleet's simulators choose it by name. */
  static Profile profile(String model) {
    return Profiles.forModel(model);
  }

  /** Reads the requests of {@code model} from a workload file on the test class path. */
  static List<Workload.Request> resource(String name, String model) {
    try (InputStream in = BenchWorkload.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalArgumentException("no workload file " + name + " on the class path");
      }
      return read(name.endsWith(".gz") ? new GZIPInputStream(in) : in, name, model);
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": " + e.getMessage(), e);
    }
  }

  /** Reads the requests of {@code model} from a workload file (gzipped when it ends in .gz). */
  static List<Workload.Request> file(java.nio.file.Path path, String model) throws IOException {
    try (InputStream in = java.nio.file.Files.newInputStream(path)) {
      return read(path.toString().endsWith(".gz") ? new GZIPInputStream(in) : in,
          path.toString(), model);
    }
  }

  /** Reads the requests of {@code model} from a workload file's bytes ({@code name}: errors). */
  static List<Workload.Request> read(InputStream in, String name, String model)
      throws IOException {
    BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String header = lines.readLine();
    if (header == null || !"fleetlb-workload".equals(JSON.readTree(header).path("format")
        .asText())) {
      throw new IllegalArgumentException(name + ": line 1 is not a fleetlb-workload header");
    }
    SimRequests sim = new SimRequests(model, profile(model));
    List<Workload.Request> out = new ArrayList<>();
    int lineNo = 1;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNo++;
      try {
        JsonNode n = JSON.readTree(line);
        if (!model.equals(n.path("model").asText())) {
          continue;
        }
        if (!"/v1/chat/completions".equals(n.path("endpoint").asText())) {
          throw new IllegalArgumentException("endpoint " + n.path("endpoint")
              + " (only chat bodies are replayed)");
        }
        int cut = line.lastIndexOf(BODY);
        if (cut < 0 || !line.endsWith("}")) {
          throw new IllegalArgumentException("no body as the last key");
        }
        byte[] body = line.substring(cut + BODY.length(), line.length() - 1)
            .getBytes(StandardCharsets.UTF_8);
        SequenceSpec spec = sim.chat(body);
        Workload.Turn turn = n.has("session_id") ? new Workload.Turn(n.get("session_id").asInt(),
            n.get("turn_index").asInt(), n.get("think_time_ns").asLong()) : null;
        out.add(new Workload.Request(n.get("offset_ns").asLong(), spec.promptTokens(),
            spec.outputTokens(), spec.maxTokens(), RouterRequests.info(body, true), spec, turn));
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(name + ", line " + lineNo + ": " + e.getMessage(), e);
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(name + ": no request of model " + model);
    }
    return out;
  }
}
