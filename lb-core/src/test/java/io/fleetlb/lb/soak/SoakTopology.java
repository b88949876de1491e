package io.fleetlb.lb.soak;

import io.fleetlb.lb.testing.Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * What the chaos soak runs: the reference fleet of six simulated replicas on ports 18001-18006
 * (one process each, so each can be killed or frozen alone), both routers in front of it with the
 * production features on, and the client keys. Kept away from the demo's ports (8001-8006, 8080,
 * 8081, 9090, 9091) so a soak and a demo can share a machine.
 */
final class SoakTopology {
  static final String LLAMA_8B = "meta-llama/Llama-3.1-8B-Instruct";
  static final String QWEN_7B = "Qwen/Qwen2.5-7B-Instruct";
  static final String LLAMA_70B = "meta-llama/Llama-3.3-70B-Instruct";
  static final List<String> MODELS = List.of(LLAMA_8B, QWEN_7B, LLAMA_70B);

  /** One simulated replica. */
  record Sim(String id, String model, String profile, int port, long seed) {
    String url() {
      return "http://127.0.0.1:" + port;
    }
  }

  /** One router under test; {@code prefix} starts the x-request-id of every request sent to it. */
  record RouterSpec(String name, int port, int adminPort, String prefix) {}

  /** A client key: its plain token lives only in the driver's memory. */
  record Key(String id, String token, String limits) {}

  static final List<Sim> FLEET = List.of(
      new Sim("llama8b-1", LLAMA_8B, "llama-3.1-8b-h100", 18001, 1000),
      new Sim("llama8b-2", LLAMA_8B, "llama-3.1-8b-h100", 18002, 1001),
      new Sim("qwen7b-1", QWEN_7B, "qwen2.5-7b-h100", 18003, 1002),
      new Sim("qwen7b-2", QWEN_7B, "qwen2.5-7b-h100", 18004, 1003),
      new Sim("llama70b-1", LLAMA_70B, "llama-3.3-70b-awq-h100", 18005, 1004),
      new Sim("llama70b-2", LLAMA_70B, "llama-3.3-70b-awq-h100", 18006, 1005));

  static final List<RouterSpec> ROUTERS = List.of(
      new RouterSpec("lb-roundrobin", 18080, 19090, "rr"),
      new RouterSpec("lb-queue-aware", 18081, 19091, "qa"));

  /** Requests per minute of the rate-limited key (its traffic offers three times that). */
  static final int TRIAL_REQUESTS_PER_MINUTE = 12;
  /** The admission limits: low, so that overload bursts really queue and are refused. */
  static final int MAX_IN_FLIGHT_PER_REPLICA = 8;
  static final int QUEUE_PER_MODEL = 20;
  static final String QUEUE_MAX_WAIT = "5s";

  final Key teamA;
  final Key batch;
  final Key trial;
  final Key team8b;

  SoakTopology() {
    SecureRandom random = new SecureRandom();
    teamA = new Key("team-a", token(random), "");
    batch = new Key("batch", token(random), "");
    trial = new Key("trial", token(random), ", requests_per_minute: " + TRIAL_REQUESTS_PER_MINUTE);
    team8b = new Key("team-8b", token(random), ", models: [\"" + LLAMA_8B + "\"]");
  }

  static Sim sim(String id) {
    return FLEET.stream().filter(s -> s.id().equals(id)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no replica " + id));
  }

  /**
   * Writes a router's configuration: the production features on (client keys by their SHA-256
   * only, per-key limits, admission control) and the failure-detection defaults written out.
   */
  Path writeConfig(RouterSpec router, Path dir, Path logs) throws IOException {
    StringBuilder y = new StringBuilder();
    y.append("# chaos soak: ").append(router.name()).append(" (generated; keys by SHA-256 only)\n");
    y.append("listen: { host: 127.0.0.1, port: ").append(router.port()).append(" }\n");
    y.append("admin: { host: 127.0.0.1, port: ").append(router.adminPort()).append(" }\n");
    y.append("replicas:\n");
    for (Sim s : FLEET) {
      y.append("  - { id: ").append(s.id()).append(", url: \"").append(s.url())
          .append("\", model: \"").append(s.model()).append("\" }\n");
    }
    y.append("auth:\n  keys:\n");
    for (Key k : List.of(teamA, batch, trial, team8b)) {
      y.append("    - { id: ").append(k.id()).append(", key_sha256: \"").append(Keys.sha256(k.token()))
          .append('"').append(k.limits()).append(" }\n");
    }
    y.append("admission: { max_in_flight_per_replica: ").append(MAX_IN_FLIGHT_PER_REPLICA)
        .append(", queue: { max_per_model: ").append(QUEUE_PER_MODEL).append(", max_wait: ")
        .append(QUEUE_MAX_WAIT).append(" } }\n");
    y.append("timeouts: { stream_idle: 10s }\n");
    y.append("ejection: { stalled_after: 5s, slow_start: 30s }\n");
    y.append("health_check: { interval: 5s, fast_interval: 1s }\n");
    y.append("access_log: { enabled: true, path: \"")
        .append(logs.resolve(router.name() + ".access.log")).append("\" }\n");
    if (router.name().equals("lb-queue-aware")) {
      y.append("scrape: { interval: 250ms }\n");
    }
    Path file = dir.resolve(router.name() + ".yaml");
    Files.writeString(file, y.toString());
    return file;
  }

  private static String token(SecureRandom random) {
    byte[] b = new byte[24];
    random.nextBytes(b);
    return "sk-soak-" + HexFormat.of().formatHex(b);
  }

}
