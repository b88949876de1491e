package io.fleetlb.lb.queueaware.oracle;

import io.fleetlb.lb.policy.LoadView;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.policy.RouterContext;
import io.fleetlb.lb.policy.RouterExtension;
import io.fleetlb.lb.policy.RoutingPolicy;
import io.fleetlb.lb.pool.Replica;
import io.fleetlb.lb.pool.UpstreamConnections;
import io.fleetlb.lb.queueaware.policy.QueueAwarePolicy;
import io.fleetlb.lb.tls.UpstreamTls;
import io.micrometer.core.instrument.FunctionCounter;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The simulation-only oracle ({@code policy.mode: oracle}): for every pick it sends the client's
 * body to each candidate's vllm-sim {@code POST /sim/estimate}, which answers from the engine's
 * exact state ({@code {"replica","prompt_tokens","cached_tokens","waiting","running",
 * "kv_cache_usage","estimated_ttft_ms"}}), and takes the lowest {@code estimated_ttft_ms} (ties:
 * fewer running, then at random). Real vLLM has no such endpoint.
 *
 * <p>It never blocks the event loop ({@link #asynchronous()}: the router awaits the future) and
 * never decides on partial information: when any estimate fails or the whole round takes longer
 * than {@code policy.oracle_timeout}, the pick is the queue-aware policy's and counted in
 * {@code lb_oracle_fallbacks_total} by reason. As a router extension it owns the HTTP client and
 * registers those meters.
 */
public final class OraclePolicy implements RoutingPolicy, RouterExtension {
  /** The estimate path, after each replica's base path. */
  public static final String PATH = "/sim/estimate";

  private final QueueAwarePolicy fallback;
  private final long timeoutMillis;
  private final LongAdder picks = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile Vertx vertx;
  /** Where every round runs: one event loop, so an answer's events and its handlers share it. */
  private volatile Context context;
  private volatile HttpClientAgent client;

  /** An oracle that falls back to {@code fallback} after {@code timeout}. */
  public OraclePolicy(QueueAwarePolicy fallback, Duration timeout) {
    this.fallback = Objects.requireNonNull(fallback, "fallback");
    this.timeoutMillis = Math.max(1, timeout.toMillis());
  }

  @Override
  public Future<Void> start(RouterContext ctx) {
    vertx = ctx.vertx();
    context = ctx.vertx().getOrCreateContext();
    client = ctx.vertx().httpClientBuilder()
        .with(UpstreamTls.apply(new HttpClientOptions(), ctx.config().upstream())
            .setKeepAlive(true).setTcpNoDelay(true).setKeepAliveTimeout(4)
            // The round's timer bounds the wait; a connect timeout racing it would turn a slow
            // connection (a busy machine) into an error instead of a timeout.
            .setConnectTimeout((int) Math.max(1000, 2 * timeoutMillis)).setName("lb-oracle"))
        .with(new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(1024))
        .withConnectHandler(UpstreamConnections::quiet)
        .build();
    FunctionCounter.builder("lb.oracle.picks", picks, LongAdder::sum)
        .description("Picks the oracle made from every candidate's /sim/estimate")
        .register(ctx.registry());
    FunctionCounter.builder("lb.oracle.fallbacks", timeouts, LongAdder::sum)
        .tag("reason", "timeout")
        .description("Oracle picks that fell back to the queue-aware policy, by reason")
        .register(ctx.registry());
    FunctionCounter.builder("lb.oracle.fallbacks", errors, LongAdder::sum).tag("reason", "error")
        .description("Oracle picks that fell back to the queue-aware policy, by reason")
        .register(ctx.registry());
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    HttpClientAgent c = client;
    return c == null ? Future.succeededFuture() : c.close();
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load) {
    return fallback.pick(candidates, load);
  }

  @Override
  public Replica pick(List<Replica> candidates, LoadView load, RequestInfo request) {
    return fallback.pick(candidates, load, request);
  }

  @Override
  public boolean needsPromptText() {
    return fallback.needsPromptText();
  }

  @Override
  public boolean asynchronous() {
    return true;
  }

  @Override
  public Future<Replica> pickAsync(List<Replica> candidates, LoadView load, RequestInfo request) {
    if (candidates.size() == 1) {
      picks.increment();
      return Future.succeededFuture(candidates.get(0));
    }
    HttpClientAgent c = client;
    if (c == null || request.body() == null) {
      errors.increment();
      return Future.succeededFuture(fallback.pick(candidates, load, request));
    }
    return new Round(c, candidates, load, request).run();
  }

  /** Picks that fell back because the round took longer than the timeout. */
  public long timeouts() {
    return timeouts.sum();
  }

  /** Picks that fell back because an estimate failed (connect, status, bad answer). */
  public long errors() {
    return errors.sum();
  }

  /** Picks made from the estimates. */
  public long picks() {
    return picks.sum();
  }

  /** One pick: an estimate from every candidate, or the fallback; completes exactly once. */
  private final class Round {
    private final HttpClientAgent client;
    private final List<Replica> candidates;
    private final LoadView load;
    private final RequestInfo request;
    private final Promise<Replica> result = Promise.promise();
    private final JsonObject[] answers;
    private final AtomicInteger left;
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile long timer = -1;

    Round(HttpClientAgent client, List<Replica> candidates, LoadView load, RequestInfo request) {
      this.client = client;
      this.candidates = candidates;
      this.load = load;
      this.request = request;
      this.answers = new JsonObject[candidates.size()];
      this.left = new AtomicInteger(candidates.size());
    }

    Future<Replica> run() {
      // Asked from the oracle's own event loop, not the request's: an answer that arrives on
      // another loop than its handlers' could end before they are set (and never complete).
      context.runOnContext(v -> {
        timer = vertx.setTimer(timeoutMillis, t -> fallBack(timeouts));
        for (int i = 0; i < candidates.size(); i++) {
          ask(i);
        }
      });
      return result.future();
    }

    private void ask(int i) {
      ask(i, true);
    }

    private void ask(int i, boolean mayRetry) {
      Replica r = candidates.get(i);
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
          .setServer(r.address()).setHost(r.host()).setPort(r.port()).setSsl(r.tls())
          .setURI(r.basePath() + PATH)
          // A late answer is not waited for (the round's timer decides) but left to end on its
          // own: resetting it would close a pooled connection another round may be taking.
          .setIdleTimeout(Math.max(1000, 2 * timeoutMillis))
          .putHeader("content-type", "application/json");
      // Each estimate gets its own copy of the body: the request's buffer is the proxy's, relayed
      // (and released) upstream once the pick is made, while a late estimate may still be sent.
      Buffer body = request.body().copy();
      // body() carries a failure of the answer (a late one's idle timeout) to its future; an
      // exception handler set here would throw when the small answer has already ended.
      client.request(options).compose(req -> req.send(body)).compose(resp -> {
        return resp.statusCode() == 200 ? resp.body()
            : Future.failedFuture("HTTP " + resp.statusCode());
      })
          .onComplete(ar -> {
            JsonObject answer = ar.succeeded() ? parse(ar.result()) : null;
            if (answer == null && mayRetry && !finished.get() && closedEarly(ar.cause())) {
              // The pooled keep-alive connection was closed under the request (the server
              // closing an idle connection as it was taken): asking again costs nothing.
              ask(i, false);
              return;
            }
            if (answer == null) {
              fallBack(errors);
              return;
            }
            answers[i] = answer;
            if (left.decrementAndGet() == 0) {
              decide();
            }
          });
    }

    private static boolean closedEarly(Throwable t) {
      return t instanceof HttpClosedException || t instanceof java.io.IOException;
    }

    private JsonObject parse(Buffer body) {
      try {
        JsonObject o = body.toJsonObject();
        Number ttft = o.getNumber("estimated_ttft_ms");
        return ttft != null && Double.isFinite(ttft.doubleValue()) ? o : null;
      } catch (RuntimeException e) {
        return null;
      }
    }

    private void decide() {
      int best = -1;
      int ties = 0;
      for (int i = 0; i < answers.length; i++) {
        int c = best < 0 ? -1 : compare(answers[i], answers[best]);
        if (c < 0) {
          best = i;
          ties = 1;
        } else if (c == 0 && ThreadLocalRandom.current().nextInt(++ties) == 0) {
          // Reservoir sampling: each of the equal answers is chosen with the same chance.
          best = i;
        }
      }
      if (finished.compareAndSet(false, true)) {
        vertx.cancelTimer(timer);
        picks.increment();
        result.complete(candidates.get(best));
      }
    }

    private void fallBack(LongAdder reason) {
      if (!finished.compareAndSet(false, true)) {
        return;
      }
      vertx.cancelTimer(timer);
      reason.increment();
      result.complete(fallback.pick(candidates, load, request));
    }
  }

  /** Lower estimated time to first token first, then fewer running requests. */
  static int compare(JsonObject a, JsonObject b) {
    int c = Double.compare(a.getNumber("estimated_ttft_ms").doubleValue(),
        b.getNumber("estimated_ttft_ms").doubleValue());
    if (c != 0) {
      return c;
    }
    Number ra = a.getNumber("running");
    Number rb = b.getNumber("running");
    return Long.compare(ra == null ? Long.MAX_VALUE : ra.longValue(),
        rb == null ? Long.MAX_VALUE : rb.longValue());
  }
}
