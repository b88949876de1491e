package io.fleetlb.lb.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  private static final String REPLICAS = """
      replicas:
        - { id: a-1, url: "http://127.0.0.1:8001", model: "m/A" }
        - { id: a-2, url: "http://127.0.0.1:8002/", model: "m/A" }
        - { id: b-1, url: "http://10.0.0.5:9000/prefix", model: "m/B" }
      """;

  private static RouterConfig parse(String yaml) {
    return ConfigLoader.create().parse(yaml, "router.yaml");
  }

  private static String error(String yaml) {
    try {
      parse(yaml);
    } catch (ConfigException e) {
      return e.getMessage();
    }
    throw new AssertionError("expected a ConfigException for:\n" + yaml);
  }

  @Test
  void minimalFileGetsDocumentedDefaults() {
    RouterConfig c = parse(REPLICAS);
    assertThat(c.listen()).isEqualTo(new ListenConfig("0.0.0.0", 8080, 0, false, null, "auto"));
    assertThat(c.admin()).isEqualTo(new AdminConfig("127.0.0.1", 9090));
    assertThat(c.timeouts().connect()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.timeouts().firstByte()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.timeouts().streamIdle()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.timeouts().headerRead()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retry().maxRetries()).isEqualTo(2);
    assertThat(c.retry().onStatus()).containsExactly(429, 500, 502, 503, 504);
    assertThat(c.ejection().consecutiveFailures()).isEqualTo(5);
    assertThat(c.healthCheck().path()).isEqualTo("/health");
    assertThat(c.limits().maxBodySize().bytes()).isEqualTo(16L * 1024 * 1024);
    assertThat(c.limits().maxHeaders()).isEqualTo(100);
    assertThat(c.upstream().maxConnectionsPerReplica()).isEqualTo(1024);
    assertThat(c.drain().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.accessLog().enabled()).isTrue();
    assertThat(c.replicas()).extracting(ReplicaConfig::id).containsExactly("a-1", "a-2", "b-1");
  }

  @Test
  void everyKeyIsReadInSnakeCase() {
    RouterConfig c = parse(REPLICAS + """
        listen: { host: 127.0.0.1, port: 0, event_loops: 3, h2c: true, transport: epoll }
        admin: { host: 0.0.0.0, port: 9999 }
        timeouts: { connect: 250ms, first_byte: 1.5s, stream_idle: 2m, header_read: 1h, body_read: 7s }
        retry: { max_retries: 1, budget_percent: 50, min_retry_concurrency: 9, on_status: [503] }
        ejection: { consecutive_failures: 3, base_time: 1s, max_time: 10s, max_ejected_percent: 100 }
        health_check: { enabled: false, path: /ping, interval: 1s, timeout: 100ms, unhealthy_threshold: 4, healthy_threshold: 5 }
        limits: { max_body_size: 8MiB, max_header_size: 32KiB, max_headers: 50, max_initial_line: 2048 }
        upstream: { max_connections_per_replica: 64, max_wait_queue: 0, keep_alive_timeout: 30s }
        drain: { timeout: 0s }
        access_log: { enabled: false, path: /tmp/access.log }
        """);
    assertThat(c.listen().eventLoops()).isEqualTo(3);
    assertThat(c.listen().h2c()).isTrue();
    assertThat(c.listen().transport()).isEqualTo("epoll");
    assertThat(c.timeouts().firstByte()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.timeouts().streamIdle()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.timeouts().headerRead()).isEqualTo(Duration.ofHours(1));
    assertThat(c.retry().onStatus()).containsExactly(503);
    assertThat(c.ejection().maxEjectedPercent()).isEqualTo(100);
    assertThat(c.healthCheck().enabled()).isFalse();
    assertThat(c.healthCheck().timeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.limits().maxBodySize()).isEqualTo(DataSize.mib(8));
    assertThat(c.limits().maxHeaderSize()).isEqualTo(DataSize.kib(32));
    assertThat(c.limits().maxInitialLine().bytes()).isEqualTo(2048);
    assertThat(c.upstream().maxWaitQueue()).isZero();
    assertThat(c.drain().timeout()).isZero();
    assertThat(c.accessLog().path()).isEqualTo("/tmp/access.log");
  }

  @Test
  void anUnknownTransportNamesTheOnesThereAre() {
    assertThat(parse(REPLICAS).listen().transport()).isEqualTo("auto");
    assertThat(error(REPLICAS + "listen: { transport: iouring }\n"))
        .contains("listen.transport: must be one of auto, io_uring, epoll, nio (got \"iouring\")");
  }

  @Test
  void unknownKeysNameTheFieldPath() {
    assertThat(error(REPLICAS + "listn: { port: 1 }\n"))
        .startsWith("router.yaml: listn: unknown section (expected one of:")
        .contains("listen");
    assertThat(error(REPLICAS + "timeouts: { conect: 1s }\n"))
        .startsWith("router.yaml: timeouts.conect: unknown key (expected one of:")
        .contains("connect", "first_byte", "stream_idle");
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1\", model: m, weight: 2 }\n"))
        .startsWith("router.yaml: replicas[0].weight: unknown key");
  }

  @Test
  void everyBadSectionAndReplicaIsReportedInOneRun() {
    ConfigException e = catchThrowableOfType(() -> parse("""
        replicas:
          - { id: a, url: "http://127.0.0.1:1", model: m }
          - { id: b, url: "ftp://x", model: m }
        listn: { port: 1 }
        timeouts: { conect: 1s }
        retry: { max_retries: 11 }
        admission: { max_in_flight_per_replica: -1 }
        """), ConfigException.class);
    assertThat(e.problems()).extracting(ConfigException::field).containsExactly("listn",
        "replicas[1].url", "timeouts.conect", "retry.max_retries",
        "admission.max_in_flight_per_replica");
    assertThat(e.getMessage().lines()).hasSize(5).allMatch(l -> l.startsWith("router.yaml: "));
    assertThat(e.field()).isEqualTo("listn");
    // one problem: the exception is that problem, as before
    ConfigException one = catchThrowableOfType(() -> parse(REPLICAS + "retry: { max_retries: 11 }\n"),
        ConfigException.class);
    assertThat(one.problems()).containsExactly(one);
  }

  @Test
  void badValuesNameFieldAndValue() {
    assertThat(error(REPLICAS + "timeouts: { connect: 5 sec }\n")).isEqualTo(
        "router.yaml: timeouts.connect: \"5 sec\" is not a duration (use a number and a unit:"
            + " 250ms, 5s, 2m, 1h)");
    assertThat(error(REPLICAS + "timeouts: { connect: 0s }\n"))
        .isEqualTo("router.yaml: timeouts.connect: must be greater than 0 (got 0s)");
    assertThat(error(REPLICAS + "listen: { port: \"8080\" }\n"))
        .isEqualTo("router.yaml: listen.port: expected a whole number (got \"8080\")");
    assertThat(error(REPLICAS + "listen: { port: 70000 }\n"))
        .isEqualTo("router.yaml: listen.port: must be between 0 and 65535 (got 70000)");
    assertThat(error(REPLICAS + "listen: { port: 80.5 }\n"))
        .startsWith("router.yaml: listen.port: expected a whole number");
    assertThat(error(REPLICAS + "limits: { max_body_size: 8 parsecs }\n"))
        .startsWith("router.yaml: limits.max_body_size: \"8 parsecs\" is not a size");
    assertThat(error(REPLICAS + "limits: { max_body_size: 10 }\n"))
        .isEqualTo("router.yaml: limits.max_body_size: must be between 1KiB and 1GiB (got 10B)");
    assertThat(error(REPLICAS + "retry: { on_status: [404] }\n"))
        .isEqualTo("router.yaml: retry.on_status[0]: must be 429 or a 5xx status (got 404)");
    assertThat(error(REPLICAS + "health_check: { enabled: maybe }\n"))
        .startsWith("router.yaml: health_check.enabled: expected true or false");
    assertThat(error(REPLICAS + "ejection: { base_time: 10s, max_time: 1s }\n"))
        .isEqualTo("router.yaml: ejection.max_time: must not be shorter than base_time (10s)"
            + " (got 1s)");
    assertThat(error(REPLICAS + "timeouts: 5s\n"))
        .isEqualTo("router.yaml: timeouts: must be a mapping (got \"5s\")");
    assertThat(error(REPLICAS + "listen: { trusted_proxies: [10.0.0.0/33] }\n")).isEqualTo(
        "router.yaml: listen.trusted_proxies[0]: must be an IP address or a CIDR block such as"
            + " 10.0.0.0/8 or fd00::/8 (got \"10.0.0.0/33\")");
    assertThat(error(REPLICAS + "listen: { trusted_proxies: [lb.example.com] }\n"))
        .startsWith("router.yaml: listen.trusted_proxies[0]: must be an IP address");
    assertThat(error(REPLICAS + "upstream: { response_headers: [\"bad header\"] }\n"))
        .isEqualTo("router.yaml: upstream.response_headers[0]: must be a header name"
            + " (got \"bad header\")");
    assertThat(error(REPLICAS + "upstream: { response_headers: [X-LB-Replica] }\n"))
        .isEqualTo("router.yaml: upstream.response_headers[0]: is set by the router itself or"
            + " hop-by-hop (got \"X-LB-Replica\")");
  }

  @Test
  void authAdmissionAndTlsAreChecked(@TempDir Path dir) throws Exception {
    String hash = "a".repeat(64);
    assertThat(error(REPLICAS + "auth: { keys: [{ id: a, key_sha256: \"abc\" }] }\n"))
        .isEqualTo("router.yaml: auth.keys[0].key_sha256: must be 64 hex digits, the SHA-256 of"
            + " the key (plain keys are never written in configuration) (got \"abc\")");
    assertThat(error(REPLICAS + "auth: { keys: [{ id: a }] }\n"))
        .startsWith("router.yaml: auth.keys[0].key_sha256: is required");
    assertThat(error(REPLICAS + "auth: { keys: [{ id: a, key_sha256: \"" + hash + "\" },"
        + " { id: a, key_sha256: \"" + "b".repeat(64) + "\" }] }\n"))
        .isEqualTo("router.yaml: auth.keys[1].id: is used by another key (got \"a\")");
    assertThat(error(REPLICAS + "auth: { keys: [{ id: a, key_sha256: \"" + hash
        + "\", models: [] }] }\n")).startsWith("router.yaml: auth.keys[0].models: must name");
    assertThat(error(REPLICAS + "auth: { keys: [{ id: a, key_sha256: \"" + hash
        + "\", requests_per_minute: 0 }] }\n"))
        .startsWith("router.yaml: auth.keys[0].requests_per_minute: must be between 1");
    assertThat(error(REPLICAS + "auth: { upstream_authorization: \"Bearer ${NO_SUCH_VAR}\" }\n"))
        .isEqualTo("router.yaml: auth.upstream_authorization: the environment variable"
            + " NO_SUCH_VAR is not set");
    assertThat(error(REPLICAS + "auth: { keys_file: " + dir.resolve("none.yaml") + " }\n"))
        .isEqualTo(dir.resolve("none.yaml") + ": file not found");
    Path keys = dir.resolve("keys.yaml");
    Files.writeString(keys, "- { id: b, key_sha256: \"" + hash + "\", modles: [x] }\n");
    assertThat(error(REPLICAS + "auth: { keys_file: " + keys + " }\n"))
        .startsWith(keys + ": [0].modles: unknown key");
    Files.writeString(keys, "- { id: b, key_sha256: \"" + hash + "\" }\n");
    assertThat(error(REPLICAS + "auth: { keys_file: " + keys + ", keys: [{ id: b, key_sha256: \""
        + "c".repeat(64) + "\" }] }\n")).contains("is used by another key");
    assertThat(error(REPLICAS + "admission: { max_in_flight_per_replica: -1 }\n"))
        .isEqualTo("router.yaml: admission.max_in_flight_per_replica: must be between 0 and"
            + " 1000000 (got -1)");
    assertThat(error(REPLICAS + "admission: { queue: { max_wait: 0s } }\n"))
        .isEqualTo("router.yaml: admission.queue.max_wait: must be greater than 0 (got 0s)");
    assertThat(error(REPLICAS + "tls: { cert: a.pem }\n"))
        .isEqualTo("router.yaml: tls.key: is required (a PEM file) (got null)");
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1\", model: m, max_in_flight: 0 }"
        + "\n")).isEqualTo("router.yaml: replicas[0].max_in_flight: must be between 1 and 1000000"
            + " (got 0)");
  }

  @Test
  void filesNamedInAConfigFileAreFoundBesideIt(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("keys.yaml"), "keys: []\n");
    Files.copy(io.fleetlb.lb.testing.TestCerts.authority(dir, "x").pem(), dir.resolve("ca.pem"));
    Path config = dir.resolve("router.yaml");
    Files.writeString(config, REPLICAS + "auth: { keys_file: keys.yaml }\n"
        + "tls: { cert: tls/cert.pem, key: tls/key.pem }\nupstream: { ca_file: ca.pem }\n");
    RouterConfig c = ConfigLoader.create().load(config);
    assertThat(c.auth().keysFile()).isEqualTo(dir.resolve("keys.yaml").toString());
    assertThat(c.tls().cert()).isEqualTo(dir.resolve("tls/cert.pem").toString());
    assertThat(c.upstream().caFile()).isEqualTo(dir.resolve("ca.pem").toString());
    assertThat(c.admission().maxInFlightPerReplica()).isEqualTo(256);
  }

  @Test
  void replicasAreChecked() {
    assertThat(error("listen: { port: 1 }\n")).isEqualTo(
        "router.yaml: replicas: is required (a list of {id, url, model}), unless discovery:"
            + " finds them");
    assertThat(error("discovery: {}\n")).isEqualTo("router.yaml: discovery: names no source"
        + " (kubernetes: or dns:), and there is no replicas: list");
    assertThat(error("discovery: { kubernetes: { selector: \"app in (a, b\" } }\n"))
        .startsWith("router.yaml: discovery.kubernetes.selector: must be a label selector");
    assertThat(error("discovery: { kubernetes: { scheme: ftp } }\n"))
        .startsWith("router.yaml: discovery.kubernetes.scheme: must be http or https");
    assertThat(error("discovery: { dns: [{ name: \"bad name\", port: 80, model: m }] }\n"))
        .startsWith("router.yaml: discovery.dns[0].name: must be a DNS name");
    assertThat(error("discovery: { dns: [{ name: a.b, model: m }] }\n"))
        .startsWith("router.yaml: discovery.dns[0].port: must be between 1 and 65535");
    assertThat(error("discovery: { dns_server: nohost, dns: [{ name: a.b, port: 1, model: m }]"
        + " }\n")).startsWith("router.yaml: discovery.dns_server: must be host:port");
    RouterConfig discovered = parse("discovery: { kubernetes: { namespace: inference } }\n");
    assertThat(discovered.replicas()).isEmpty();
    assertThat(discovered.discovery().kubernetes().selector())
        .isEqualTo("app.kubernetes.io/part-of=fleetlb,fleetlb/role=replica");
    assertThat(discovered.discovery().kubernetes().modelLabel()).isEqualTo("fleetlb/model");
    assertThat(error("replicas: []\n")).isEqualTo(
        "router.yaml: replicas: must be a non-empty list of {id, url, model} (got [])");
    assertThat(error("replicas:\n  - { id: a, url: \"ftp://h:1\", model: m }\n")).isEqualTo(
        "router.yaml: replicas[0].url: must be an http:// or https:// URL (got \"ftp://h:1\")");
    assertThat(error("replicas:\n  - { id: \"a b\", url: \"http://h:1\", model: m }\n"))
        .startsWith("router.yaml: replicas[0].id: must be 1-64 letters");
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1\" }\n"))
        .isEqualTo("router.yaml: replicas[0].model: must not be empty (got null)");
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "  - { id: a, url: \"http://h:2\", model: m }\n"))
        .isEqualTo("router.yaml: replicas[1].id: is used by another replica (got \"a\")");
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "  - { id: b, url: \"http://H:1/\", model: m }\n"))
        .isEqualTo("router.yaml: replicas[1].url: is used by another replica of the same model"
            + " (got \"http://H:1/\")");
    // One server serving two model names (vLLM's --served-model-name a b) is two replicas.
    assertThat(parse("replicas:\n  - { id: a, url: \"http://h:1\", model: m }\n"
        + "  - { id: b, url: \"http://h:1\", model: n }\n").replicas()).hasSize(2);
    assertThat(error("replicas:\n  - { id: a, url: \"http://h:1?x=1\", model: m }\n"))
        .startsWith("router.yaml: replicas[0].url: must not carry a query");
  }

  @Test
  void yamlProblemsAreReportedWithTheirPosition() {
    assertThat(error("replicas: [\n")).startsWith("router.yaml: line ").contains("invalid YAML");
    assertThat(error(REPLICAS + "drain: { timeout: 1s }\ndrain: { timeout: 2s }\n"))
        .contains("drain").contains("Duplicate");
    assertThat(error("")).isEqualTo(
        "router.yaml: the file is empty (at least replicas: is required)");
    assertThat(error("- a\n- b\n")).isEqualTo(
        "router.yaml: the top level must be a mapping of sections");
    assertThat(error(REPLICAS + "listen: { port: 9090 }\n")).isEqualTo(
        "router.yaml: admin.port: must differ from listen.port (got 9090)");
  }

  @Test
  void reservedSectionsAreAcceptedAndIgnoredUnlessRegistered() {
    RouterConfig c = parse(REPLICAS + "scrape: { interval: 250ms, whatever: 1 }\n"
        + "policy: { name: least-loaded }\n");
    assertThat(c.sections()).containsKeys("scrape", "policy");
    assertThat(c.section("scrape", JsonNode.class)).get()
        .extracting(n -> n.get("interval").asText()).isEqualTo("250ms");
    assertThat(error(REPLICAS + "scrape: 5\n"))
        .isEqualTo("router.yaml: scrape: must be a mapping (got 5)");
  }

  /** A router-specific section as lb-queue-aware would register it. */
  record Scrape(Duration interval, Integer maxAge, Double jitter) implements Validated {
    Scrape {
      interval = interval == null ? Duration.ofMillis(250) : interval;
      maxAge = maxAge == null ? 4 : maxAge;
      jitter = jitter == null ? 0.1 : jitter;
    }

    @Override
    public void validate(Validation at) {
      at.positive(interval, "interval");
      at.range(maxAge, 1, 100, "max_age");
    }
  }

  @Test
  void registeredSectionsAreBoundStrictlyWithDefaults() {
    ConfigLoader loader = ConfigLoader.create().withSection("scrape", Scrape.class);
    RouterConfig c = loader.parse(REPLICAS + "scrape: { interval: 100ms, max_age: 7, jitter: 0 }\n",
        "q.yaml");
    assertThat(c.section("scrape", Scrape.class))
        .contains(new Scrape(Duration.ofMillis(100), 7, 0.0));
    assertThat(loader.parse(REPLICAS, "q.yaml").section("scrape", Scrape.class))
        .contains(new Scrape(null, null, null));
    assertThatThrownBy(() -> loader.parse(REPLICAS + "scrape: { intervl: 1s }\n", "q.yaml"))
        .hasMessageStartingWith("q.yaml: scrape.intervl: unknown key (expected one of: interval,"
            + " jitter, max_age)");
    assertThatThrownBy(() -> loader.parse(REPLICAS + "scrape: { jitter: \"0.1\" }\n", "q.yaml"))
        .hasMessage("q.yaml: scrape.jitter: expected a number (got \"0.1\")");
    assertThatThrownBy(() -> loader.parse(REPLICAS + "scrape: { max_age: 0 }\n", "q.yaml"))
        .hasMessage("q.yaml: scrape.max_age: must be between 1 and 100 (got 0)");
    assertThatThrownBy(() -> ConfigLoader.create().withSection("listen", Scrape.class))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void loadsFilesAndNamesMissingOnes(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("r.yaml");
    Files.writeString(file, REPLICAS);
    assertThat(ConfigLoader.create().load(file).source()).isEqualTo(file.toString());
    assertThatThrownBy(() -> ConfigLoader.create().load(dir.resolve("none.yaml")))
        .hasMessage(dir.resolve("none.yaml") + ": file not found");
  }

  @Test
  void shippedReferenceConfigsAreValid() {
    for (String f : List.of("../lb-roundrobin/fleet-6.yaml")) {
      Path p = Path.of(f);
      if (Files.exists(p)) {
        RouterConfig c = ConfigLoader.create().load(p);
        assertThat(c.replicas()).hasSize(6);
      }
    }
  }
}
