package io.fleetlb.bench.mock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.workload.SimTokens;
import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * An OpenAI-compatible streaming upstream with a known time to first token and inter-token gap: the
 * reference the bench calibrates itself against, and a quick stand-in server for other modules'
 * tests. Token k of a request is due at receipt + TTFT + k * ITL (absolute deadlines, so timer
 * delays never accumulate); how late each write actually was is recorded so the server's own timing
 * error can be told apart from the client's.
 */
public final class MockUpstream implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final Vertx vertx;
  private final MockConfig config;
  // Fixed range (up to an hour): an auto-resizing recorder starts every interval tiny and grows,
  // copying its counts on the server's event loop, in the first milliseconds of each measured run.
  private static final long MAX_LATENESS_NS = 3_600_000_000_000L;
  private final Recorder firstTokenLateness = new Recorder(MAX_LATENESS_NS, 3);
  private final Recorder tokenLateness = new Recorder(MAX_LATENESS_NS, 3);
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger port = new AtomicInteger();
  private final java.util.List<String> deployments =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  private MockUpstream(Vertx vertx, MockConfig config) {
    this.vertx = vertx;
    this.config = config;
  }

  /**
   * Starts listening (one server instance per event loop, sharing the port) and returns once bound.
   */
  public static MockUpstream start(Vertx vertx, MockConfig config) throws Exception {
    MockUpstream m = new MockUpstream(vertx, config);
    String first =
        vertx
            .deployVerticle(
                () ->
                    new AbstractVerticle() {
                      @Override
                      public void start(io.vertx.core.Promise<Void> started) {
                        int p = m.port.get() > 0 ? m.port.get() : config.port();
                        HttpServer server =
                            vertx.createHttpServer(
                                new HttpServerOptions()
                                    .setHost(config.host())
                                    .setPort(p)
                                    .setTcpNoDelay(true)
                                    .setIdleTimeout(0));
                        server
                            .requestHandler(m::handle)
                            .listen()
                            .onComplete(
                                ar -> {
                                  if (ar.succeeded()) {
                                    m.port.compareAndSet(0, ar.result().actualPort());
                                    started.complete();
                                  } else {
                                    started.fail(ar.cause());
                                  }
                                });
                      }
                    },
                new DeploymentOptions().setInstances(1))
            .toCompletionStage()
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    m.deployments.add(first);
    if (config.eventLoops() > 1) {
      // further instances share the bound port (Vert.x balances connections between them)
      String more =
          vertx
              .deployVerticle(
                  () ->
                      new AbstractVerticle() {
                        @Override
                        public void start(io.vertx.core.Promise<Void> started) {
                          vertx
                              .createHttpServer(
                                  new HttpServerOptions()
                                      .setHost(config.host())
                                      .setPort(m.port.get())
                                      .setTcpNoDelay(true))
                              .requestHandler(m::handle)
                              .listen()
                              .<Void>mapEmpty()
                              .onComplete(started);
                        }
                      },
                  new DeploymentOptions().setInstances(config.eventLoops() - 1))
              .toCompletionStage()
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      m.deployments.add(more);
    }
    return m;
  }

  public int port() {
    return port.get();
  }

  public MockConfig config() {
    return config;
  }

  public long requestCount() {
    return requests.get();
  }

  /** How late first-token writes were versus TTFT, in ns, since the last call (then reset). */
  public org.HdrHistogram.Histogram takeFirstTokenLateness() {
    return firstTokenLateness.getIntervalHistogram();
  }

  /** How late later token writes were versus their deadlines, in ns, since the last call. */
  public org.HdrHistogram.Histogram takeTokenLateness() {
    return tokenLateness.getIntervalHistogram();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (req.method() == HttpMethod.GET && path.equals("/v1/models")) {
      req.response().putHeader("content-type", "application/json").end(models());
    } else if (req.method() == HttpMethod.GET && (path.equals("/health") || path.equals("/ping"))) {
      req.response().end();
    } else if (req.method() == HttpMethod.POST
        && (path.equals("/v1/chat/completions") || path.equals("/v1/completions"))) {
      boolean chat = path.equals("/v1/chat/completions");
      req.body().onSuccess(body -> complete(req, chat, body, System.nanoTime()));
    } else {
      error(req.response(), 404, "NotFoundError", "Not Found: " + req.method() + " " + path);
    }
  }

  private void complete(HttpServerRequest req, boolean chat, Buffer body, long receivedNs) {
    requests.incrementAndGet();
    JsonNode json;
    try {
      json = MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      error(req.response(), 400, "BadRequestError", "request body is not valid JSON");
      return;
    }
    String model = json.path("model").asText("");
    if (!config.models().contains(model)) {
      error(req.response(), 404, "NotFoundError", "The model `" + model + "` does not exist.");
      return;
    }
    JsonNode max =
        chat && json.has("max_completion_tokens")
            ? json.get("max_completion_tokens")
            : json.get("max_tokens");
    int n =
        max != null && max.canConvertToInt() && max.asInt() > 0
            ? max.asInt()
            : config.defaultOutputTokens();
    int promptTokens =
        chat ? promptTokensChat(json) : 1 + SimTokens.count(json.path("prompt").asText(""));
    long created = System.currentTimeMillis() / 1000;
    // as %032x, without a Formatter per request
    String hex = Long.toHexString(ids.incrementAndGet());
    String id = (chat ? "chatcmpl-" : "cmpl-") + "0".repeat(32 - hex.length()) + hex;
    HttpServerResponse resp = req.response();
    if (config.replicaId() != null) {
      resp.putHeader("x-lb-replica", config.replicaId());
    }
    if (!json.path("stream").asBoolean(false)) {
      long delay = config.ttftNs() + (n - 1) * config.itlNs();
      after(
          receivedNs + delay,
          () ->
              resp.putHeader("content-type", "application/json")
                  .end(StreamWriter.full(chat, id, created, model, n, promptTokens)));
      return;
    }
    boolean usage = json.path("stream_options").path("include_usage").asBoolean(false);
    StreamWriter w = new StreamWriter(chat, id, created, model);
    resp.setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
    emit(resp, w, 0, n, receivedNs, usage, promptTokens);
  }

  private void emit(
      HttpServerResponse resp,
      StreamWriter w,
      int k,
      int n,
      long receivedNs,
      boolean usage,
      int promptTokens) {
    long due = receivedNs + config.ttftNs() + k * config.itlNs();
    after(
        due,
        () -> {
          if (resp.closed()) {
            return; // the client went away: stop producing
          }
          long late = Math.min(MAX_LATENESS_NS, Math.max(0, System.nanoTime() - due));
          (k == 0 ? firstTokenLateness : tokenLateness).recordValue(late);
          String chunk = w.token(k, n);
          if (k == n - 1) {
            resp.end(chunk + w.tail(usage, promptTokens, n));
          } else {
            resp.write(chunk);
            emit(resp, w, k + 1, n, receivedNs, usage, promptTokens);
          }
        });
  }

  /** Runs at an absolute monotonic deadline on the current event loop (nanosecond timer). */
  private void after(long deadlineNs, Runnable r) {
    long delay = deadlineNs - System.nanoTime();
    if (delay <= 0) {
      r.run();
    } else {
      vertx.timer(delay, TimeUnit.NANOSECONDS).onSuccess(v -> r.run());
    }
  }

  private static int promptTokensChat(JsonNode json) {
    int tokens = 5;
    for (JsonNode m : json.path("messages")) {
      tokens += 5 + SimTokens.count(m.path("content").asText(""));
    }
    return tokens;
  }

  private String models() {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("object", "list");
    var data = o.putArray("data");
    for (String m : config.models()) {
      ObjectNode card = data.addObject();
      card.put("id", m);
      card.put("object", "model");
      card.put("created", 0);
      card.put("owned_by", "fleetlb-bench-mock");
      card.put("root", m);
      card.putNull("parent");
    }
    return o.toString();
  }

  private static void error(HttpServerResponse resp, int status, String type, String message) {
    ObjectNode o = MAPPER.createObjectNode();
    ObjectNode e = o.putObject("error");
    e.put("message", message);
    e.put("type", type);
    e.putNull("param");
    e.put("code", status);
    resp.setStatusCode(status).putHeader("content-type", "application/json").end(o.toString());
  }

  @Override
  public void close() {
    for (String id : deployments) {
      try {
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // closing is best effort: the Vert.x instance going away releases the port anyway
      }
    }
    deployments.clear();
  }
}
