package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.SoakTopology.RouterSpec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a {@link TrafficPlan} to one router open-loop: each request leaves at its offset whether
 * or not earlier ones have finished, reads its stream event by event, and disconnects when its plan
 * says so (after some tokens, or after some time, e.g. while it waits in the router's queue). One
 * event loop; the schedule's lag is recorded.
 */
final class SoakClient {
  /** A request still open after this long is recorded as hung and cut. */
  static final long DEADLINE_MILLIS = 240_000;
  private static final Pattern USAGE = Pattern.compile("\"completion_tokens\":(\\d+)");

  private final Vertx vertx;
  private final RouterSpec router;
  private final Map<String, String> tokens;
  private final HttpClientAgent client;
  private final List<ClientRecord> records = new ArrayList<>();
  private final CompletableFuture<List<ClientRecord>> finished = new CompletableFuture<>();
  private int open;
  private int next;
  private int planned = -1;
  private long maxLagUs;

  /** A client for one router; {@code tokens} maps key ids to their plain tokens. */
  SoakClient(Vertx vertx, RouterSpec router, Map<String, String> tokens) {
    this.vertx = vertx;
    this.router = router;
    this.tokens = tokens;
    // Idle connections are dropped before the router's header_read (10 s) would close them, so
    // a request never races a closing keep-alive connection.
    this.client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setKeepAliveTimeout(4)
            .setTcpNoDelay(true).setConnectTimeout(5000).setDefaultHost("127.0.0.1")
            .setDefaultPort(router.port()))
        .with(new PoolOptions().setHttp1MaxSize(2000).setMaxWaitQueueSize(-1))
        .build();
  }

  /** Starts sending at {@code originUs} (epoch microseconds); completes when all have ended. */
  CompletableFuture<List<ClientRecord>> run(List<TrafficPlan.Request> plan, long originUs) {
    vertx.runOnContext(v -> vertx.setPeriodic(2, id -> {
      planned = plan.size();
      long now = ClientRecord.nowUs();
      while (next < plan.size()) {
        TrafficPlan.Request r = plan.get(next);
        long due = originUs + (long) (r.at() * 1_000_000);
        if (due > now) {
          break;
        }
        maxLagUs = Math.max(maxLagUs, now - due);
        next++;
        send(new ClientRecord(r, router.name(), String.format("%s-%06d", router.prefix(),
            r.seq()), due));
      }
      if (next >= plan.size()) {
        vertx.cancelTimer(id);
        checkFinished();
      }
    }));
    return finished;
  }

  /** The largest delay between a request's due time and its sending, in microseconds. */
  long maxLagUs() {
    return maxLagUs;
  }

  private void send(ClientRecord rec) {
    records.add(rec);
    open++;
    Exchange ex = new Exchange(rec);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setURI("/v1/chat/completions").putHeader("content-type", "application/json")
        .putHeader("x-request-id", rec.requestId);
    TrafficPlan.Request p = rec.plan;
    if (p.kind() == TrafficPlan.Kind.BAD_KEY) {
      options.putHeader("authorization", "Bearer sk-soak-nobody-" + p.seq());
    } else if (p.key() != null) {
      options.putHeader("authorization", "Bearer " + tokens.get(p.key()));
    }
    rec.sentUs = ClientRecord.nowUs();
    ex.deadline = vertx.setTimer(DEADLINE_MILLIS, t -> {
      rec.timedOut = true;
      ex.cut();
    });
    if (p.cancelAfterMillis() >= 0) {
      vertx.setTimer(Math.max(1, p.cancelAfterMillis()), t -> ex.cancel());
    }
    client.request(options).compose(req -> {
      ex.request = req;
      if (ex.ended) {
        req.reset();
      }
      return req.send(Buffer.buffer(p.body()));
    }).onComplete(ar -> {
      if (ar.failed()) {
        ex.failed(ar.cause());
      } else {
        ex.responded(ar.result());
      }
    });
  }

  private void checkFinished() {
    if (open == 0 && next == planned && !finished.isDone()) {
      client.close();
      finished.complete(records);
    }
  }

  /** One request in flight. */
  private final class Exchange {
    final ClientRecord rec;
    final StringBuilder pending = new StringBuilder();
    HttpClientRequest request;
    long deadline;
    boolean ended;

    Exchange(ClientRecord rec) {
      this.rec = rec;
    }

    void responded(HttpClientResponse resp) {
      if (ended) {
        return;
      }
      rec.headUs = ClientRecord.nowUs();
      rec.status = resp.statusCode();
      rec.replica = resp.getHeader("x-lb-replica");
      resp.exceptionHandler(this::failed);
      if (rec.status != 200) {
        resp.body().onSuccess(b -> {
          errorBody(b);
          end();
        }).onFailure(this::failed);
        return;
      }
      resp.handler(this::chunk);
      resp.endHandler(v -> {
        if (pending.length() > 0) {
          rec.malformed = true;
        }
        end();
      });
    }

    private void errorBody(Buffer b) {
      try {
        JsonObject e = b.toJsonObject().getJsonObject("error");
        Object code = e.getValue("code");
        rec.error = code instanceof String s ? s : e.getString("type");
        rec.errorMessage = e.getString("message");
      } catch (RuntimeException notJson) {
        rec.error = "not_json";
        rec.malformed = true;
      }
    }

    private void chunk(Buffer b) {
      if (ended) {
        return;
      }
      pending.append(b.toString(StandardCharsets.UTF_8));
      int cut;
      while (!ended && (cut = pending.indexOf("\n\n")) >= 0) {
        String event = pending.substring(0, cut);
        pending.delete(0, cut + 2);
        event(event);
      }
    }

    private void event(String event) {
      if (!event.startsWith("data: ")) {
        rec.malformed = true;
        return;
      }
      String data = event.substring(6);
      if (data.equals("[DONE]")) {
        rec.done = true;
      } else if (data.startsWith("{\"error\"")) {
        errorBody(Buffer.buffer(data));
      } else if (data.contains("\"usage\":{\"")) {
        Matcher m = USAGE.matcher(data);
        rec.usageTokens = m.find() ? Integer.parseInt(m.group(1)) : -1;
      } else if (data.contains("\"delta\":{\"content\"")) {
        if (rec.tokens++ == 0) {
          rec.firstTokenUs = ClientRecord.nowUs();
        }
        if (data.contains("\"finish_reason\":\"")) {
          rec.finishSeen = true;
        }
        int after = rec.plan.cancelAfterTokens();
        if (after > 0 && rec.tokens >= after && !rec.finishSeen) {
          cancel();
        }
      }
    }

    /** The client leaves on purpose (if the request has not ended yet). */
    void cancel() {
      if (!ended) {
        rec.cancelledUs = ClientRecord.nowUs();
        cut();
      }
    }

    /** Closes the connection (HTTP/1.1: the only way to abandon a request). */
    void cut() {
      if (ended) {
        return;
      }
      end();
      if (request != null) {
        request.reset();
      }
    }

    void failed(Throwable t) {
      if (!ended) {
        rec.transportError = t.getClass().getSimpleName() + ": " + t.getMessage();
        end();
      }
    }

    void end() {
      if (ended) {
        return;
      }
      ended = true;
      rec.endUs = ClientRecord.nowUs();
      vertx.cancelTimer(deadline);
      open--;
      checkFinished();
    }
  }
}
