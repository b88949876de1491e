package io.fleetlb.lb.roundrobin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real process: {@code Main} in its own JVM, stopped with SIGTERM while a stream is in
 * flight. The stream must finish, new requests must be refused, and the exit status must be 0.
 */
class SigtermDrainTest {
  private static final Pattern LISTENING = Pattern.compile(
      "listening on http://127\\.0\\.0\\.1:(\\d+) \\(admin http://127\\.0\\.0\\.1:(\\d+)/metrics\\)");

  private final Vertx vertx = Vertx.vertx();
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private Process process;

  @AfterEach
  void cleanUp() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
    ScriptedUpstream.join(vertx.close());
  }

  @Test
  void sigtermDrainsInFlightStreamsThenExitsZero(@TempDir Path dir) throws Exception {
    ScriptedUpstream up = ScriptedUpstream.start(vertx, "m", Scripts.sse(12, 100, 150));
    Path config = dir.resolve("router.yaml");
    Files.writeString(config, "listen: { host: 127.0.0.1, port: 0, event_loops: 1 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\n"
        + "drain: { timeout: 20s }\n"
        + "replicas:\n  - { id: r1, url: \"" + up.url() + "\", model: m }\n"
        + "scrape: { interval: 250ms }\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    process = new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "--config", config.toString()).start();
    pump(process.getInputStream(), stdout);
    pump(process.getErrorStream(), stderr);
    await().atMost(30, TimeUnit.SECONDS).until(() -> stderr.stream().anyMatch(
        l -> LISTENING.matcher(l).find()));
    Matcher m = stderr.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst()
        .orElseThrow();
    URI api = URI.create("http://127.0.0.1:" + m.group(1));

    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    CompletableFuture<HttpResponse<String>> stream = http.sendAsync(
        HttpRequest.newBuilder(api.resolve("/v1/chat/completions"))
            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true}"))
            .build(), HttpResponse.BodyHandlers.ofString());
    up.awaitCall(0);

    // SIGTERM. Process.destroy() would also close our ends of its stdout/stderr pipes.
    assertThat(process.toHandle().destroy()).isTrue();

    await().atMost(20, TimeUnit.SECONDS).untilAsserted(() ->
        assertThat(send(http, api.resolve("/health")).statusCode()).isEqualTo(503));
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(api.resolve("/v1/completions"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("retry-after")).isPresent();

    HttpResponse<String> done = stream.get(30, TimeUnit.SECONDS);
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("\"i\":11").endsWith("data: [DONE]\n\n");
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
    await().atMost(5, TimeUnit.SECONDS).untilAsserted(() -> assertThat(stderr)
        .as("stderr: %s", String.join("\n", stderr)).anyMatch(l -> l.contains("shutdown signal: draining"))
        .anyMatch(l -> l.contains("drained; exiting")));
    await().atMost(5, TimeUnit.SECONDS).until(() -> stdout.stream().anyMatch(
        l -> l.contains("path=/v1/chat/completions") && l.contains("reason=complete")));
    assertThat(stdout).anyMatch(l -> l.contains("status=503") && l.contains("reason=draining"));
  }

  private static HttpResponse<String> send(HttpClient http, URI uri) {
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static void pump(java.io.InputStream in, List<String> into) {
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in,
          StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) {
          into.add(l);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    t.setDaemon(true);
    t.start();
  }
}
