package io.fleetlb.compose;

import java.util.List;
import java.util.Map;

/** The two routers as the compose files run them: service, config file, listen and admin port. */
record RouterServices(String service, String config, int listenPort, int adminPort) {
  static final RouterServices ROUND_ROBIN =
      new RouterServices("lb-roundrobin", "config/roundrobin.yaml", 8080, 9090);
  static final RouterServices QUEUE_AWARE =
      new RouterServices("lb-queue-aware", "config/queue-aware.yaml", 8081, 9091);
  static final List<RouterServices> BOTH = List.of(ROUND_ROBIN, QUEUE_AWARE);

  /** The router each deployment runs by default; the other one runs under profile "ab". */
  static final Map<String, List<RouterServices>> BY_FILE = Map.of(
      "baseline", List.of(ROUND_ROBIN),
      "managed", List.of(QUEUE_AWARE),
      "sim", BOTH);

  /** The path the compose files mount the config at. */
  static final String CONFIG_IN_CONTAINER = "/etc/fleetlb/router.yaml";
}
