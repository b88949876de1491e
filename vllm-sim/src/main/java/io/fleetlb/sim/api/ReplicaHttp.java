package io.fleetlb.sim.api;

import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.replica.EngineDriver;
import io.fleetlb.sim.replica.Faults;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.fleetlb.sim.tokens.OutputLength;
import io.fleetlb.sim.tokens.TextGenerator;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The HTTP face of one simulated replica: vLLM's OpenAI routes, health, version and metrics. */
public final class ReplicaHttp implements Handler<HttpServerRequest> {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicaHttp.class);

  /**
   * Request bodies above this are refused with 413 (uvicorn has no limit; this only guards memory).
   */
  public static final int MAX_BODY_BYTES = 64 * 1024 * 1024;

  private final ReplicaOptions options;
  private final EngineDriver driver;
  private final RequestParser parser;
  private final SimEstimate estimates;
  private final KeepAlive keepAlive;
  private final Supplier<String> metrics;
  private final Supplier<String> gpuMetrics;
  private final Supplier<String> timing;
  private final Faults faults;
  private final RequestLog requestLog;
  private final long readyAtNanos;
  private final long startEpochSeconds = System.currentTimeMillis() / 1000;
  private final SplittableRandom random;
  private final AtomicInteger inFlight = new AtomicInteger();

  /**
   * Creates the handler.
   *
   * @param vertx the Vert.x instance (for keep-alive timers)
   * @param options the replica's options
   * @param driver the engine driver requests are submitted to
   * @param faults the replica's live fault settings
   * @param metrics renders {@code /metrics}
   * @param gpuMetrics renders {@code /gpu/metrics}
   * @param timing renders {@code /sim/timing}
   * @param requestLog where generation requests are traced ({@link RequestLog#NONE} for nowhere)
   */
  public ReplicaHttp(
      Vertx vertx,
      ReplicaOptions options,
      EngineDriver driver,
      Faults faults,
      Supplier<String> metrics,
      Supplier<String> gpuMetrics,
      Supplier<String> timing,
      RequestLog requestLog) {
    this.options = options;
    this.driver = driver;
    this.faults = faults;
    this.parser =
        new RequestParser(
            options.model(),
            options.profile().maxModelLen(),
            options.metricsVersion(),
            options.profile().blockSize());
    this.estimates = new SimEstimate(options, driver, parser);
    this.keepAlive = new KeepAlive(vertx, options.keepAliveTimeout().toMillis());
    this.metrics = metrics;
    this.gpuMetrics = gpuMetrics;
    this.timing = timing;
    this.requestLog = requestLog;
    this.readyAtNanos = System.nanoTime() + options.startupDelay().toNanos();
    this.random = new SplittableRandom(options.seed());
  }

  /** Generation requests in progress. */
  public int inFlight() {
    return inFlight.get();
  }

  /** True once the startup delay has passed. */
  public boolean ready() {
    return System.nanoTime() - readyAtNanos >= 0;
  }

  @Override
  public void handle(HttpServerRequest req) {
    try {
      dispatch(req);
    } catch (RuntimeException e) {
      internalError(req, e);
    }
  }

  /** A bug must never leave a client hanging: answer 500 like vLLM's exception handler does. */
  private void internalError(HttpServerRequest req, RuntimeException e) {
    LOG.error("vllm-sim internal error on {} {}", req.method(), req.path(), e);
    if (!req.response().headWritten() && !req.response().closed()) {
      error(
          req,
          new ApiError(
              500,
              "InternalServerError",
              "Internal server error: " + e.getClass().getSimpleName()));
    } else if (!req.response().closed()) {
      req.connection().close();
    }
  }

  private void dispatch(HttpServerRequest req) {
    keepAlive.requestStarted(req);
    req.response().putHeader("server", "uvicorn");
    String path = req.path();
    HttpMethod m = req.method();
    switch (path) {
      case "/v1/chat/completions" -> route(req, m == HttpMethod.POST, () -> generate(req, true));
      case "/v1/completions" -> route(req, m == HttpMethod.POST, () -> generate(req, false));
      case "/v1/models" -> route(req, m == HttpMethod.GET, () -> models(req));
      case "/health" -> route(req, m == HttpMethod.GET, () -> health(req));
      case "/ping" -> route(req, m == HttpMethod.GET || m == HttpMethod.POST, () -> health(req));
      case "/version" ->
          route(
              req,
              m == HttpMethod.GET,
              () ->
                  json(
                      req,
                      200,
                      "{\"version\":\"" + options.metricsVersion().vllmVersion() + "\"}"));
      case "/load" ->
          route(
              req,
              m == HttpMethod.GET,
              () -> json(req, 200, "{\"server_load\":" + inFlight() + "}"));
      case "/metrics" -> route(req, m == HttpMethod.GET, () -> text(req, metrics.get()));
      case "/gpu/metrics" -> route(req, m == HttpMethod.GET, () -> text(req, gpuMetrics.get()));
      case "/sim/timing" ->
          route(
              req,
              m == HttpMethod.GET,
              () -> {
                json(req, 200, timing.get());
                if ("1".equals(req.getParam("reset"))) {
                  driver.timing().reset();
                }
              });
      case "/reset_prefix_cache" -> route(req, m == HttpMethod.POST, () -> resetPrefixCache(req));
      case "/sim/faults" -> route(req, m == HttpMethod.POST, () -> updateFaults(req));
      case "/sim/estimate" -> route(req, m == HttpMethod.POST, () -> estimates.handle(req));
      default -> json(req, 404, "{\"detail\":\"Not Found\"}");
    }
  }

  private void route(HttpServerRequest req, boolean methodAllowed, Runnable action) {
    if (methodAllowed) {
      action.run();
    } else {
      json(req, 405, "{\"detail\":\"Method Not Allowed\"}");
    }
  }

  /**
   * vLLM's dev-mode {@code POST /reset_prefix_cache} (vLLM serves it with {@code
   * VLLM_SERVER_DEV_MODE=1}): {@code {"success":true}} once the cache is empty, {@code
   * {"success":false}} while requests hold KV blocks. vLLM's {@code reset_running_requests=true}
   * (preempt running requests first) is not simulated: a 400 says so.
   */
  private void resetPrefixCache(HttpServerRequest req) {
    if ("true".equalsIgnoreCase(req.getParam("reset_running_requests"))) {
      error(
          req,
          ApiError.badRequest(
              "vllm-sim does not simulate reset_running_requests=true: wait until the replica is"
                  + " idle and reset again"));
      return;
    }
    boolean done = driver.resetPrefixCache();
    LOG.info("Resetting prefix cache: {}", done ? "done" : "refused (requests hold KV blocks)");
    json(req, 200, "{\"success\":" + done + "}");
  }

  private void health(HttpServerRequest req) {
    req.response().setStatusCode(ready() ? 200 : 503).end();
  }

  private void models(HttpServerRequest req) {
    if (!ready()) {
      error(req, new ApiError(503, "ServiceUnavailableError", "The model is still loading."));
      return;
    }
    String model = WireFormat.quote(options.model());
    String perm =
        UUID.nameUUIDFromBytes(options.id().getBytes(java.nio.charset.StandardCharsets.UTF_8))
            .toString()
            .replace("-", "");
    json(
        req,
        200,
        "{\"object\":\"list\",\"data\":[{\"id\":"
            + model
            + ",\"object\":\"model\",\"created\":"
            + startEpochSeconds
            + ",\"owned_by\":\"vllm\",\"root\":"
            + model
            + ",\"parent\":null,\"max_model_len\":"
            + options.profile().maxModelLen()
            + ",\"permission\":[{\"id\":\"modelperm-"
            + perm
            + "\",\"object\":\"model_permission\",\"created\":"
            + startEpochSeconds
            + ",\"allow_create_engine\":false,"
            + "\"allow_sampling\":true,\"allow_logprobs\":true,\"allow_search_indices\":false,\"allow_view\":true,"
            + "\"allow_fine_tuning\":false,\"organization\":\"*\",\"group\":null,\"is_blocking\":false}]}]}");
  }

  private void generate(HttpServerRequest req, boolean chat) {
    RequestLog.Trace trace = requestLog.trace(req.getHeader("x-request-id"));
    if (!ready()) {
      refuse(
          req, trace, new ApiError(503, "ServiceUnavailableError", "The model is still loading."));
      return;
    }
    BodyReader.read(req, MAX_BODY_BYTES)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                if (!req.response().ended() && !req.response().closed()) {
                  refuse(
                      req,
                      trace,
                      new ApiError(413, "RequestEntityTooLarge", ar.cause().getMessage()));
                }
                return;
              }
              try {
                start(req, parser.parse(ar.result().getBytes(), chat), trace);
              } catch (ApiError.Failure f) {
                refuse(req, trace, f.error);
              } catch (RuntimeException e) {
                trace.ended("error", 500, null);
                internalError(req, e);
              }
            });
  }

  private void refuse(HttpServerRequest req, RequestLog.Trace trace, ApiError e) {
    trace.ended("error", e.status(), null);
    error(req, e);
  }

  private void start(HttpServerRequest req, GenerationRequest g, RequestLog.Trace trace) {
    trace.request(g);
    long requestSeed;
    boolean fail;
    synchronized (random) {
      requestSeed = g.seed() != null ? g.seed() : random.nextLong();
      fail = faults.errorRate() > 0 && random.nextDouble() < faults.errorRate();
    }
    if (fail) {
      refuse(
          req,
          trace,
          new ApiError(500, "InternalServerError", "vllm-sim injected failure (--error-rate)"));
      return;
    }
    SplittableRandom requestRandom = new SplittableRandom(requestSeed);
    SequenceSpec spec = plan(g, requestRandom);
    String id = (g.chat() ? "chatcmpl-" : "cmpl-") + UUID.randomUUID().toString().replace("-", "");
    long created = System.currentTimeMillis() / 1000;
    HttpServerResponse resp = req.response();
    WireFormat wire =
        new WireFormat(
            g.chat(),
            options.metricsVersion(),
            id,
            created,
            g.model(),
            options.enablePromptTokensDetails());
    inFlight.incrementAndGet();
    GenerationSession session =
        new GenerationSession(
            Vertx.currentContext(),
            resp,
            g,
            wire,
            new TextGenerator(spec.textSeed()),
            id,
            created,
            faults.stallAfter(),
            inFlight::decrementAndGet,
            trace);
    if (g.stream()) {
      resp.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8");
      resp.writeHead(); // Starlette's StreamingResponse sends the headers before the first token
    }
    session.attach(driver.submit(spec, session));
  }

  /** The engine's view of a request: its length, planned output, prompt blocks and text seed. */
  private SequenceSpec plan(GenerationRequest g, SplittableRandom r) {
    int output = g.maxTokens();
    FinishReason reason = FinishReason.LENGTH;
    if (!g.ignoreEos()) {
      int drawn =
          OutputLength.sample(
              r, options.profile().outputMedian(), options.profile().outputSigma(), g.minTokens());
      if (drawn < g.maxTokens()) {
        output = drawn;
        reason = FinishReason.STOP;
      }
    }
    return new SequenceSpec(
        g.promptTokens(), output, reason, g.maxTokens(), g.prompt(), r.nextLong());
  }

  /**
   * {@code POST /sim/faults} with any of {@code slowdown}, {@code error_rate}, {@code stall_after}.
   */
  private void updateFaults(HttpServerRequest req) {
    BodyReader.read(req, 64 * 1024)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                return;
              }
              try {
                faults.update(ar.result().toJsonObject());
                json(req, 200, faults.toJson());
              } catch (RuntimeException e) {
                error(req, ApiError.badRequest("bad fault settings: " + e.getMessage()));
              }
            });
  }

  private void error(HttpServerRequest req, ApiError e) {
    json(req, e.status(), e.json(options.metricsVersion()));
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  private static void text(HttpServerRequest req, String body) {
    req.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(Buffer.buffer(body));
  }
}
