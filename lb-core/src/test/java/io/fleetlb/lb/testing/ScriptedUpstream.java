package io.fleetlb.lb.testing;

import org.awaitility.Awaitility;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake replica for tests: a Vert.x server on 127.0.0.1 and a free port that answers inference
 * requests with a replaceable {@link Script} (stream chunk by chunk, stall, reset, fail...),
 * answers {@code /health} and {@code /v1/models} like vLLM, and records every inference request
 * with the time its connection was cut, if it was.
 */
public final class ScriptedUpstream implements AutoCloseable {
  /** What the upstream does with one inference request. */
  @FunctionalInterface
  public interface Script {
    /** Answers (or not) the call; the body has been read already. */
    void run(Call call);
  }

  /** One recorded inference request and what became of it. */
  public static final class Call {
    public final HttpServerRequest request;
    public final Vertx vertx;
    public final String uri;
    public final MultiMap headers;
    public final Buffer body;
    public final long arrivedNanos = System.nanoTime();
    volatile long closedNanos;
    volatile boolean ended;

    Call(HttpServerRequest request, Vertx vertx, Buffer body) {
      this.request = request;
      this.vertx = vertx;
      this.uri = request.uri();
      this.headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      this.body = body;
    }

    /** Whether the connection was closed before the response ended (the proxy reset it). */
    public boolean wasReset() {
      return closedNanos != 0;
    }

    /** When the connection was cut, {@link System#nanoTime} based, 0 if it was not. */
    public long closedNanos() {
      return closedNanos;
    }

    /** Whether the whole response was sent. */
    public boolean ended() {
      return ended;
    }

    /** The request body as text. */
    public String bodyText() {
      return body.toString();
    }

    /** Answers a call left hanging (e.g. by {@link Scripts#stall()}) with a 200 JSON body. */
    public void answer(String json) {
      vertx.runOnContext(v -> {
        if (!request.response().ended() && !request.response().closed()) {
          request.response().putHeader("content-type", "application/json").end(json);
        }
      });
    }
  }

  private final Vertx vertx;
  private final String model;
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger healthChecks = new AtomicInteger();
  private volatile Script script;
  private volatile int healthStatus = 200;
  private volatile Script models;
  private volatile Script metrics;
  private final AtomicInteger metricsCalls = new AtomicInteger();
  private final AtomicInteger modelsCalls = new AtomicInteger();
  private final AtomicInteger connectionsAccepted = new AtomicInteger();
  private final AtomicInteger openConnections = new AtomicInteger();
  private HttpServer server;
  private boolean tls;
  private String host = "127.0.0.1";

  private ScriptedUpstream(Vertx vertx, String model, Script script) {
    this.vertx = vertx;
    this.model = model;
    this.script = script;
  }

  /** Starts an upstream serving {@code model} with the given script. */
  public static ScriptedUpstream start(Vertx vertx, String model, Script script) {
    return start(vertx, model, script, new HttpServerOptions());
  }

  /** Starts an upstream that serves HTTPS with the given certificate. */
  public static ScriptedUpstream startTls(Vertx vertx, String model, Script script,
      TestCerts.Server cert) {
    ScriptedUpstream u = start(vertx, model, script, new HttpServerOptions().setSsl(true)
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
            .setCertPath(cert.cert().toString()).setKeyPath(cert.key().toString())));
    u.tls = true;
    return u;
  }

  /**
   * Starts an upstream on a given loopback address and port (e.g. 127.0.0.2: Linux routes all of
   * 127.0.0.0/8 to loopback), as DNS-discovered replicas share one port on several addresses.
   */
  public static ScriptedUpstream startOn(Vertx vertx, String model, Script script, String host,
      int port) {
    ScriptedUpstream u = new ScriptedUpstream(vertx, model, script);
    u.host = host;
    u.listen(new HttpServerOptions().setHost(host).setPort(port));
    return u;
  }

  private static ScriptedUpstream start(Vertx vertx, String model, Script script,
      HttpServerOptions options) {
    ScriptedUpstream u = new ScriptedUpstream(vertx, model, script);
    u.listen(options.setHost("127.0.0.1").setPort(0));
    return u;
  }

  private void listen(HttpServerOptions options) {
    // HTTP/1.1 only, as vLLM: a server open to h2c waits for the first bytes to tell the two
    // apart and only then reports the connection (connectionsAccepted must see idle ones)
    server = vertx.createHttpServer(options.setHttp2ClearTextEnabled(false))
        .requestHandler(this::handle).connectionHandler(this::connected);
    join(server.listen());
  }

  private void connected(HttpConnection conn) {
    connectionsAccepted.incrementAndGet();
    openConnections.incrementAndGet();
    conn.closeHandler(v -> openConnections.decrementAndGet());
  }

  /** Connections accepted so far (with or without a request on them). */
  public int connectionsAccepted() {
    return connectionsAccepted.get();
  }

  /** Connections open now. */
  public int openConnections() {
    return openConnections.get();
  }

  private void handle(HttpServerRequest req) {
    switch (req.path()) {
      case "/health" -> {
        healthChecks.incrementAndGet();
        if (healthStatus != 0) {
          req.response().setStatusCode(healthStatus).end();
        }
      }
      case "/v1/models" -> {
        modelsCalls.incrementAndGet();
        if (models != null) {
          req.body().onSuccess(b -> models.run(new Call(req, vertx, b)));
          return;
        }
        req.response().putHeader("content-type", "application/json")
          .end(new JsonObject().put("object", "list").put("data", new JsonArray()
              .add(new JsonObject().put("id", model).put("object", "model")
                  .put("owned_by", "vllm").put("max_model_len", 4096))
              .add(new JsonObject().put("id", "some-lora").put("object", "model")))
              .encode());
      }
      case "/metrics" -> {
        Script m = metrics;
        if (m == null) {
          req.response().setStatusCode(404).end();
          return;
        }
        metricsCalls.incrementAndGet();
        req.body().onSuccess(b -> m.run(new Call(req, vertx, b)));
      }
      default -> req.body().onSuccess(body -> {
        Call call = new Call(req, vertx, body);
        req.response().closeHandler(v -> {
          if (!call.ended) {
            call.closedNanos = System.nanoTime();
          }
        });
        // endHandler also runs when the connection closes; bodyEndHandler only once sent.
        req.response().bodyEndHandler(v -> call.ended = true);
        calls.add(call);
        script.run(call);
      });
    }
  }

  /** Replaces the script for the next requests. */
  public ScriptedUpstream script(Script next) {
    this.script = next;
    return this;
  }

  /** Sets the status {@code /health} answers; 0 leaves probes unanswered (a hung process). */
  public ScriptedUpstream health(int status) {
    this.healthStatus = status;
    return this;
  }

  /** Replaces the built-in {@code /v1/models} answer. */
  public ScriptedUpstream models(Script script) {
    this.models = script;
    return this;
  }

  /**
   * Answers {@code GET /metrics} with this script (a replica's Prometheus exposition, a slow or
   * broken one); without one {@code /metrics} is a 404. Metrics requests are not recorded as
   * calls.
   */
  public ScriptedUpstream metrics(Script script) {
    this.metrics = script;
    return this;
  }

  /** How many {@code /metrics} requests the metrics script answered. */
  public int metricsCalls() {
    return metricsCalls.get();
  }

  /** How many {@code /v1/models} requests arrived. */
  public int modelsCalls() {
    return modelsCalls.get();
  }

  /** How many health probes arrived. */
  public int healthChecks() {
    return healthChecks.get();
  }

  /** The recorded inference requests, in arrival order. */
  public List<Call> calls() {
    return calls;
  }

  /** Waits until request {@code index} (0-based) has arrived and returns it. */
  public Call awaitCall(int index) {
    Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> calls.size() > index);
    return calls.get(index);
  }

  /** The base URL, {@code http://127.0.0.1:<port>} (https for a TLS upstream). */
  public String url() {
    return (tls ? "https" : "http") + "://" + host + ":" + server.actualPort();
  }

  /** The port. */
  public int port() {
    return server.actualPort();
  }

  /** The model it serves. */
  public String model() {
    return model;
  }

  @Override
  public void close() {
    join(server.close());
  }

  public static <T> T join(Future<T> f) {
    try {
      // A bound for a hung future, not a speed expectation: a loaded CI machine may take long.
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short duration helper for scripts. */
  public static Duration ms(long millis) {
    return Duration.ofMillis(millis);
  }
}
