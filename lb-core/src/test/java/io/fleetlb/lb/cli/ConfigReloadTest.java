package io.fleetlb.lb.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A static configuration reloaded while the router runs, by SIGHUP or because its file changed:
 * replicas added and removed (what is in flight finishes), timeouts applied, an invalid file
 * changing nothing, sections that need a restart named.
 */
class ConfigReloadTest {
  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private RunningRouter router;
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (router != null) {
      ScriptedUpstream.join(router.close());
    }
    ScriptedUpstream.join(vertx.close());
  }

  private static String yaml(String timeouts, ScriptedUpstream... ups) {
    StringBuilder b = new StringBuilder("listen: { host: 127.0.0.1, port: 0, event_loops: 1 }\n"
        + "admin: { host: 127.0.0.1, port: 0 }\n"
        + "health_check: { interval: 200ms, timeout: 1s, healthy_threshold: 1 }\n"
        + "ejection: { slow_start: 0s }\n" + timeouts + "replicas:\n");
    for (int i = 0; i < ups.length; i++) {
      b.append("  - { id: r").append(i).append(", url: \"").append(ups[i].url())
          .append("\", model: m }\n");
    }
    return b.toString();
  }

  private RunningRouter start(Path file) {
    router = ScriptedUpstream.join(Router.builder(ConfigLoader.create().load(file))
        .policy((c, l) -> c.get(c.size() - 1)).accessLog(new CapturingAccessLog()).start());
    return router;
  }

  private HttpResponse<String> post() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(router.baseUri() + "/v1/completions"))
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aChangedFileAddsAndRemovesReplicasAndAppliesTimeouts() throws Exception {
    ScriptedUpstream a = ScriptedUpstream.start(vertx, "m", Scripts.delayed(1500, "{\"a\":1}"));
    ScriptedUpstream b = ScriptedUpstream.start(vertx, "m", Scripts.ok());
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, yaml("", a));
    start(file);
    ConfigWatcher watcher = new ConfigWatcher(file, () -> ConfigLoader.create().load(file),
        router);
    watcher.start();
    CompletableFuture<HttpResponse<String>> onA = CompletableFuture.supplyAsync(this::post);
    a.awaitCall(0);

    // r0 goes, r1 (b) comes; r0's request in flight finishes.
    Files.writeString(file, yaml("timeouts: { first_byte: 2s }\n", b).replace("id: r0", "id: r1"));
    await().atMost(15, TimeUnit.SECONDS).until(() -> router.pool().available("m").size() == 1
        && router.pool().available("m").get(0).id().equals("r1"));
    assertThat(onA.join().body()).isEqualTo("{\"a\":1}");
    assertThat(post().headers().firstValue("x-lb-replica")).hasValue("r1");
    assertThat(router.config().timeouts().firstByte()).isEqualTo(Duration.ofSeconds(2));
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().leaving().isEmpty());

    // An invalid file changes nothing.
    Files.writeString(file, yaml("timeouts: { first_byte: soon }\n", b));
    watcher.reload("test");
    assertThat(router.pool().replicas()).extracting(Replica::id).containsExactly("r1");
    assertThat(router.config().timeouts().firstByte()).isEqualTo(Duration.ofSeconds(2));
    a.close();
    b.close();
  }

  @Test
  void sectionsThatNeedARestartAreNamed() throws Exception {
    ScriptedUpstream a = ScriptedUpstream.start(vertx, "m", Scripts.ok());
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, yaml("", a));
    start(file);
    List<String> changes = router.reload(ConfigLoader.create().parse(yaml("", a)
        .replace("event_loops: 1", "event_loops: 2") + "retry: { max_retries: 0 }\n", "x"));
    assertThat(changes).containsExactly("listen: changed; takes effect after a restart",
        "retry: changed; takes effect after a restart");
    a.close();
  }

  @Test
  void sighupReloads() throws Exception {
    // A JVM started with SIGHUP ignored (under nohup) cannot handle it: nothing to test there.
    assumeTrue(sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> { })
        != sun.misc.SignalHandler.SIG_IGN, "SIGHUP is ignored in this process");
    ScriptedUpstream a = ScriptedUpstream.start(vertx, "m", Scripts.ok());
    ScriptedUpstream b = ScriptedUpstream.start(vertx, "m", Scripts.ok());
    Path file = dir.resolve("router.yaml");
    Files.writeString(file, yaml("", a));
    start(file);
    // Written where the file check would not see it yet: only the signal reloads it.
    Path other = dir.resolve("next.yaml");
    Files.writeString(other, yaml("", a, b));
    new ConfigWatcher(other, () -> ConfigLoader.create().load(other), router).start();
    new ProcessBuilder("kill", "-HUP", Long.toString(ProcessHandle.current().pid()))
        .start().waitFor();
    await().atMost(10, TimeUnit.SECONDS).until(() -> router.pool().available("m").size() == 2);
    a.close();
    b.close();
  }
}
