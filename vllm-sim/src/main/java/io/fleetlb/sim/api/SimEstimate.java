package io.fleetlb.sim.api;

import io.fleetlb.sim.engine.Estimate;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.replica.EngineDriver;
import io.fleetlb.sim.replica.ReplicaOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Locale;

/**
 * {@code POST /sim/estimate}, the simulator's own (not a vLLM endpoint): the oracle's view of what
 * this replica would do with a request if it arrived now.
 *
 * <p>The body is the JSON a client sends to {@code /v1/chat/completions} ({@code messages}) or
 * {@code /v1/completions} ({@code prompt}), validated the same way (a bad body gets the same 400 in
 * vLLM's error format). The answer, from the engine's exact state under its lock, admitting
 * nothing: {@code {"replica","prompt_tokens","cached_tokens","waiting","running","kv_cache_usage",
 * "estimated_ttft_ms"}}, the time in engine (simulated) milliseconds.
 */
final class SimEstimate {

  private final ReplicaOptions options;
  private final EngineDriver driver;
  private final RequestParser parser;
  private final String replica;

  SimEstimate(ReplicaOptions options, EngineDriver driver, RequestParser parser) {
    this.options = options;
    this.driver = driver;
    this.parser = parser;
    this.replica = WireFormat.quote(options.id());
  }

  void handle(HttpServerRequest req) {
    BodyReader.read(req, ReplicaHttp.MAX_BODY_BYTES)
        .onComplete(
            ar -> {
              if (ar.failed()) {
                if (!req.response().ended() && !req.response().closed()) {
                  answer(
                      req,
                      413,
                      new ApiError(413, "RequestEntityTooLarge", ar.cause().getMessage())
                          .json(options.metricsVersion()));
                }
                return;
              }
              try {
                answer(req, 200, estimate(parser.parseAny(ar.result().getBytes())));
              } catch (ApiError.Failure f) {
                answer(req, f.error.status(), f.error.json(options.metricsVersion()));
              } catch (IllegalArgumentException e) {
                answer(
                    req, 400, ApiError.badRequest(e.getMessage()).json(options.metricsVersion()));
              }
            });
  }

  private String estimate(GenerationRequest g) {
    // Only the prompt matters until the first token; one output token keeps the KV check honest.
    Estimate e =
        driver.estimate(
            new SequenceSpec(g.promptTokens(), 1, FinishReason.LENGTH, 1, g.prompt(), 0));
    double ttftMs = e.ttftNanos() == Long.MAX_VALUE ? -1 : e.ttftNanos() / 1e6;
    return String.format(
        Locale.ROOT,
        "{\"replica\":%s,\"prompt_tokens\":%d,\"cached_tokens\":%d,\"waiting\":%d,\"running\":%d,"
            + "\"kv_cache_usage\":%s,\"estimated_ttft_ms\":%s}",
        replica,
        e.promptTokens(),
        e.cachedTokens(),
        e.waiting(),
        e.running(),
        Double.toString(e.kvUsage()),
        Double.toString(ttftMs));
  }

  private static void answer(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }
}
