package io.fleetlb.bench.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test upstream whose behaviour is chosen by the request's model name, streaming chunk by chunk:
 * ok, split, comments, error-mid, no-done, no-tokens, http500, drop, hang, slow, json.
 */
final class ScriptedUpstream implements AutoCloseable {
  private static final String TOKEN =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
          + " t\"},\"finish_reason\":null}]}\n\n";
  private static final String USAGE =
      "data:"
          + " {\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"total_tokens\":14,\"completion_tokens\":3}}\n\n";
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger maxInFlight = new AtomicInteger();

  ScriptedUpstream() throws Exception {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  if (req.path().equals("/v1/models")) {
                    req.response().end("{\"object\":\"list\",\"data\":[{\"id\":\"ok\"}]}");
                    return;
                  }
                  req.body()
                      .onSuccess(
                          b -> {
                            String model;
                            try {
                              model =
                                  new ObjectMapper().readTree(b.getBytes()).path("model").asText();
                            } catch (java.io.IOException e) {
                              model = "";
                            }
                            int now = inFlight.incrementAndGet();
                            maxInFlight.accumulateAndGet(now, Math::max);
                            HttpServerResponse r = req.response();
                            r.closeHandler(v -> {});
                            r.endHandler(v -> inFlight.decrementAndGet());
                            play(model, r);
                          });
                })
            .listen(0, "127.0.0.1")
            .toCompletionStage()
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  private void play(String model, HttpServerResponse r) {
    r.putHeader("x-lb-replica", "replica-" + model);
    switch (model) {
      case "http500":
        r.setStatusCode(500)
            .putHeader("content-type", "application/json")
            .end(
                "{\"error\":{\"message\":\"engine"
                    + " crashed\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}");
        return;
      case "hang":
        return;
      case "json":
        r.putHeader("content-type", "application/json")
            .end("{\"choices\":[{\"message\":{\"content\":\"hi\"}}]}");
        return;
      default:
    }
    r.setChunked(true).putHeader("content-type", "text/event-stream");
    switch (model) {
      case "ok":
        after(
            10,
            () -> r.write(TOKEN),
            () -> r.write(TOKEN),
            () -> r.end(TOKEN + USAGE + "data: [DONE]\n\n"));
        break;
      case "slow":
        after(100, () -> r.write(TOKEN), () -> r.end(TOKEN + TOKEN + USAGE + "data: [DONE]\n\n"));
        break;
      case "split":
        after(
            5,
            () -> r.write(TOKEN.substring(0, 9)),
            () -> r.write(TOKEN.substring(9) + TOKEN.substring(0, 30)),
            () -> r.write(TOKEN.substring(30) + TOKEN),
            () -> r.end(USAGE.substring(0, 20)),
            () -> {});
        // the last write ends mid-usage-chunk: tokens counted, no usage, no [DONE]
        break;
      case "comments":
        after(
            5,
            () -> r.write(": ping\n\n" + TOKEN),
            () -> r.write(":\n\n"),
            () -> r.end(TOKEN + TOKEN + USAGE + "data: [DONE]\n\n"));
        break;
      case "error-mid":
        after(
            5,
            () -> r.write(TOKEN),
            () -> r.write(TOKEN),
            () ->
                r.end(
                    "data: {\"error\":{\"message\":\"KV cache"
                        + " exhausted\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}\n\n"
                        + "data: [DONE]\n\n"));
        break;
      case "no-done":
        after(5, () -> r.write(TOKEN), () -> r.end(TOKEN + TOKEN + USAGE));
        break;
      case "no-tokens":
        after(5, () -> r.end(USAGE + "data: [DONE]\n\n"));
        break;
      case "drop":
        after(5, () -> r.write(TOKEN), () -> r.reset());
        break;
      default:
        r.end("data: {\"error\":{\"message\":\"unknown script " + model + "\"}}\n\n");
    }
  }

  /** Runs the steps one after another, {@code gapMs} apart. */
  private void after(long gapMs, Runnable... steps) {
    step(gapMs, steps, 0);
  }

  private void step(long gapMs, Runnable[] steps, int i) {
    if (i < steps.length) {
      vertx.setTimer(
          gapMs,
          id -> {
            steps[i].run();
            step(gapMs, steps, i + 1);
          });
    }
  }

  @Override
  public void close() {
    vertx.close();
  }
}
