package io.fleetlb.lb.proxy;

import io.fleetlb.lb.auth.Authenticator;
import io.fleetlb.lb.log.AccessLogEntry;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.metrics.RouterMetrics;
import io.fleetlb.lb.policy.RequestInfo;
import io.fleetlb.lb.pool.Dispatch;
import io.fleetlb.lb.pool.Replica;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * One client request from arrival to its access-log line: checks the client's key, reads the body
 * (bounded), finds the model, charges the key's limits, takes a replica slot or waits for one in
 * the router's queue, asks the policy for a replica, runs {@link Attempt}s (retrying before the
 * first byte when that is safe) and answers the router's own errors. Confined to one event loop.
 *
 * <p>Every exit path goes through {@link #complete} exactly once, which releases the request's
 * slot, refunds a key charge the request did not use, counts it and logs it.
 */
final class Exchange {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final String JSON = "application/json";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final ProxyVerticle owner;
  private final ProxyRuntime rt;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final long startNanos;
  private final long startMillis = System.currentTimeMillis();
  private final String requestId;
  private Buffer body;
  private String model;
  private RequestInfo requestInfo = RequestInfo.UNKNOWN;
  private String modelLog = "-";
  private Attempt attempt;
  private Failover failover;
  /** When the request body is due (0: not reading one). */
  private long bodyDeadline;
  private long firstByteNanos = -1;
  private long bytesSent;
  private Boolean trustedPeer;
  /** The client's key and what it was charged; null without client auth. */
  private KeyUsage key;
  /** The request's place in the router's queue while it waits, else null. */
  private QueueTicket ticket;
  private long queuedNanos = -1;
  private int tail;
  private boolean done;
  /** The client connection's state on its loop (head deadline), null if unknown. */
  private final ProxyVerticle.ClientConnection conn;
  /** This exchange's place in its loop's list of running exchanges, -1 when not in it. */
  int activeIndex = -1;

  Exchange(ProxyVerticle owner, HttpServerRequest req, ProxyVerticle.ClientConnection conn) {
    this.owner = owner;
    this.conn = conn;
    this.rt = owner.runtime();
    this.req = req;
    this.resp = req.response();
    this.startNanos = rt.nanoClock.getAsLong();
    String id = req.getHeader("x-request-id");
    this.requestId = id != null && SAFE_ID.matcher(id).matches() ? id : newRequestId();
    rt.activeRequests.incrementAndGet();
  }

  /** Routes the request by path and method. */
  void start() {
    resp.closeHandler(v -> clientGone());
    resp.exceptionHandler(t -> clientGone());
    req.exceptionHandler(t -> clientGone());
    String path = req.path();
    boolean inference = "/v1/chat/completions".equals(path) || "/v1/completions".equals(path);
    if (inference) {
      if (req.method() != HttpMethod.POST) {
        methodNotAllowed("POST");
      } else {
        intake();
      }
    } else if ("/v1/models".equals(path) || "/health".equals(path)) {
      if (req.method() != HttpMethod.GET && req.method() != HttpMethod.HEAD) {
        methodNotAllowed("GET");
      } else if ("/health".equals(path)) {
        respond(rt.healthStatus(), rt.healthBody(), rt.healthStatus() == 200 ? null : 1L);
      } else if (authenticate()) {
        respond(200, key == null ? rt.catalog.render()
            : rt.catalog.render(m -> key.allows(m)), null);
      }
    } else {
      error(404, Reason.NOT_FOUND, "Not found: this router serves /v1/chat/completions, "
          + "/v1/completions, /v1/models and /health", null, null, false);
    }
  }

  /** Answers a request the HTTP decoder refused (too long line or headers, bad syntax). */
  void rejectInvalid(int status, Reason reason, String message) {
    error(status, reason, message, null, null, true);
  }

  private void intake() {
    if (rt.draining()) {
      error(503, Reason.DRAINING, "The router is shutting down; retry on another instance",
          null, 1L, false);
      return;
    }
    if (req.headers().size() > rt.config.limits().maxHeaders()) {
      error(431, Reason.TOO_MANY_HEADERS, "The request has more than "
          + rt.config.limits().maxHeaders() + " header fields", null, null, true);
      return;
    }
    if (!authenticate()) {
      return;
    }
    long declared = contentLength();
    if (declared > rt.maxBody) {
      error(413, Reason.BODY_TOO_LARGE, "The request body is larger than the limit of "
          + rt.config.limits().maxBodySize(), null, null, true);
      return;
    }
    if (req.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(
        req.getHeader("expect"))) {
      resp.writeContinue();
    }
    body = Buffer.buffer((int) Math.max(256, Math.min(declared, rt.maxBody)));
    bodyDeadline = startNanos + rt.bodyReadMillis * 1_000_000L;
    req.handler(chunk -> {
      if (done) {
        return;
      }
      if (body.length() + (long) chunk.length() > rt.maxBody) {
        error(413, Reason.BODY_TOO_LARGE, "The request body is larger than the limit of "
            + rt.config.limits().maxBodySize(), null, null, true);
        return;
      }
      body.appendBuffer(chunk);
    });
    req.endHandler(v -> bodyRead());
  }

  /**
   * Checks the client's key when client auth is on; answers 401 and returns false without a
   * valid one. The body is not read then, so the connection is closed after the answer.
   */
  private boolean authenticate() {
    if (!rt.auth.enabled()) {
      return true;
    }
    Authenticator.Result a = rt.auth.authenticate(req.headers());
    if (a.key() != null) {
      key = new KeyUsage(a.key());
      return true;
    }
    rt.gateMetrics.authRejected(a.problem().label());
    String message = a.problem() == Authenticator.Problem.MISSING
        ? "You didn't provide an API key. You need to provide your API key in an Authorization"
            + " header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY)."
        : "Incorrect API key provided.";
    resp.putHeader("www-authenticate", "Bearer");
    error(401, Reason.UNAUTHORIZED, message, "invalid_request_error", "invalid_api_key", null,
        !discardBody());
    return false;
  }

  /**
   * Reads and drops the body of a request answered without it, so the connection can serve the
   * next request; false (close the connection instead) when the client waits for
   * {@code 100 Continue} or declared a body above the limit.
   */
  private boolean discardBody() {
    if (req.method() != HttpMethod.POST || req.version() == HttpVersion.HTTP_2) {
      return true;
    }
    if ("100-continue".equalsIgnoreCase(req.getHeader("expect")) || contentLength() > rt.maxBody) {
      return false;
    }
    long[] read = {0};
    req.handler(chunk -> {
      read[0] += chunk.length();
      if (read[0] > rt.maxBody && req.version() != HttpVersion.HTTP_2) {
        req.connection().close();
      }
    });
    return true;
  }

  private long contentLength() {
    String cl = req.getHeader("content-length");
    if (cl == null) {
      return -1;
    }
    try {
      return Long.parseLong(cl.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private void bodyRead() {
    bodyDeadline = 0;
    if (done) {
      return;
    }
    ModelExtractor.Result r = ModelExtractor.extract(body, rt.policy.needsPromptText());
    if (r.problem() != null) {
      error(400, r.problem(), r.message(), r.problem() == Reason.MISSING_MODEL ? "model" : null,
          null, false);
      return;
    }
    if (!rt.pool.serves(r.model())) {
      modelLog = r.model();
      error(404, Reason.UNKNOWN_MODEL, "The model `" + shorten(r.model()) + "` does not exist.",
          "model", null, false);
      return;
    }
    model = r.model();
    modelLog = model;
    requestInfo = r.info().withBody(body);
    if (key != null) {
      KeyUsage.Refusal no = key.admit(model, requestInfo, rt.nanoClock.getAsLong());
      if (no != null) {
        Reason reason = no.status() == 403 ? Reason.MODEL_NOT_ALLOWED : Reason.RATE_LIMITED;
        if (reason == Reason.RATE_LIMITED) {
          rt.gateMetrics.rateLimited(key.id(), no.type());
        } else {
          rt.gateMetrics.authRejected("model_not_allowed");
        }
        error(no.status(), reason, no.message(), no.type(), no.code(), no.retryAfterSeconds(),
            false);
        return;
      }
      rt.gateMetrics.keyAdmitted(key.id(), key.chargedTokens());
    }
    failover = new Failover(rt, model);
    next();
  }

  /** Starts the next attempt on a replica not tried yet, or answers why there is none. */
  private void next() {
    dispatch(false);
  }

  /**
   * Takes a slot on a replica chosen by the policy among the model's replicas that have room,
   * and starts an attempt there; without room the request queues. A request woken from the
   * queue ({@code fromQueue}) and a retry go to the front of their lane instead of behind newer
   * requests.
   */
  private void dispatch(boolean fromQueue) {
    boolean slot = failover.takeSlot();
    List<Replica> candidates = failover.remaining();
    if (candidates.isEmpty()) {
      if (slot) {
        rt.retryBudget.release();
      }
      if (fromQueue) {
        rt.admission.pump(model);
      }
      if (failover.lastFailure() == null) {
        Duration wait = rt.pool.retryAfter(model, rt.config.healthCheck().interval());
        error(503, Reason.NO_HEALTHY_REPLICA, "No replica of model `" + model
            + "` can serve right now", null, Math.max(1, (wait.toMillis() + 999) / 1000), false);
      } else {
        upstreamError(failover.lastFailure());
      }
      return;
    }
    if (!rt.admission.enabled()) {
      choose(candidates, slot, pick -> {
        attempt = new Attempt(this, pick, slot, rt.pool.dispatch(pick, sized(pick)));
        attempt.start();
      });
      return;
    }
    boolean retry = failover.attempts() > 0;
    // A request woken from the queue keeps its first deadline if it has to wait again.
    long deadline = ticket != null ? ticket.deadlineNanos : 0;
    if (fromQueue || retry || !rt.admission.busy(model)) {
      dispatchWithRoom(rt.admission.withRoom(candidates), slot, fromQueue || retry, deadline);
      return;
    }
    if (slot) {
      rt.retryBudget.release();
    }
    enqueue(false, deadline);
  }

  /**
   * Takes a slot on the policy's pick among the replicas with room ({@code open}); when another
   * event loop took its last slot in the meantime, picks again among the others; with none left,
   * queues.
   */
  private void dispatchWithRoom(List<Replica> open, boolean slot, boolean front, long deadline) {
    if (open.isEmpty()) {
      if (slot) {
        rt.retryBudget.release();
      }
      enqueue(front, deadline);
      return;
    }
    choose(open, slot, pick -> {
      Dispatch d = rt.pool.tryDispatch(pick, sized(pick), rt.admission.limit(pick));
      if (d != null) {
        attempt = new Attempt(this, pick, slot, d);
        attempt.start();
        return;
      }
      failover.untry(pick);
      dispatchWithRoom(open.stream().filter(r -> r != pick).toList(), slot, front, deadline);
    });
  }

  /** The request's size as the policy expects the picked replica to see it. */
  private RequestInfo sized(Replica pick) {
    RequestInfo r = rt.policy.dispatched(pick, requestInfo);
    return r == null ? requestInfo : r;
  }

  /**
   * Asks the policy for a replica among {@code among} and continues with it: at once for a
   * synchronous policy; for an asynchronous one when its future completes, back on this
   * request's event loop, and only if the request is still wanted (otherwise the retry-budget
   * slot it held is released and the queue pumped, as the request no longer takes a slot).
   */
  private void choose(List<Replica> among, boolean slot, Consumer<Replica> then) {
    List<Replica> offered = failover.candidates(among);
    if (!rt.policy.asynchronous()) {
      then.accept(failover.choose(offered, requestInfo));
      return;
    }
    Context loop = Vertx.currentContext();
    failover.pickAsync(offered, requestInfo).onComplete(ar -> {
      Runnable resume = () -> {
        Replica pick = failover.tried(offered, ar.succeeded() ? ar.result() : null);
        if (done) {
          failover.untry(pick);
          if (slot) {
            rt.retryBudget.release();
          }
          if (rt.admission.enabled()) {
            rt.admission.pump(model);
          }
          return;
        }
        then.accept(pick);
      };
      if (loop != null && Vertx.currentContext() == loop) {
        resume.run();
      } else {
        // back on the connection's own event loop: the listener runs in strict thread mode
        owner().onLoop(resume);
      }
    });
  }

  /**
   * Waits in the model's queue for a slot, or answers 503 when the queue is full; the wait ends
   * at {@code deadline} (0: the queue's longest wait from now).
   */
  private void enqueue(boolean front, long deadline) {
    long now = rt.nanoClock.getAsLong();
    QueueTicket t = new QueueTicket(this, key == null ? "" : key.id(), now,
        deadline != 0 ? deadline : now + rt.admission.maxWaitNanos());
    ticket = t;
    if (!rt.admission.enqueue(model, t.lane, t, front)) {
      ticket = null;
      rt.gateMetrics.admissionRejected(model, Reason.QUEUE_FULL);
      error(503, Reason.QUEUE_FULL, "Every replica of model `" + model + "` is at its in-flight"
          + " limit and the router's queue for it is full; retry later", null,
          rt.admission.retryAfterSeconds(model), false);
    }
  }

  /** A slot was set aside for this request (on its own event loop now). */
  void woken(QueueTicket t) {
    if (done || t != ticket) {
      // The request ended while the wake-up travelled: hand the slot to the next one.
      rt.admission.arrived(model);
      rt.admission.pump(model);
      return;
    }
    long waited = rt.nanoClock.getAsLong() - t.enqueuedNanos;
    queuedNanos = Math.max(0, queuedNanos) + waited;
    rt.gateMetrics.queueWait(model, waited);
    dispatch(true);
    // Only now is the set-aside slot no longer "in transit": counted off before the dispatch took
    // it, a pump on another thread saw it free and woke a second request to race for it (the
    // loser went back to the front of its lane, out of the lanes' turn order).
    rt.admission.arrived(model);
    if (ticket == t) {
      // Dispatched (not queued again): the deadline no longer applies.
      ticket = null;
    }
    // Pumps that ran while this request was still counted in transit may have left a slot idle.
    rt.admission.pump(model);
  }

  /**
   * Leaves the queue; true when the request was still waiting there. A request already woken (its
   * wake-up on the way to this loop) keeps its ticket: {@link #woken} then takes the slot, or
   * hands it on if the request ended meanwhile. (Dropping the ticket here lost the wake-up when a
   * queue wait ran out in the same sweep that woke it: the request then waited for ever.)
   */
  private boolean leaveQueue() {
    QueueTicket t = ticket;
    if (t == null) {
      return false;
    }
    if (rt.admission.remove(model, t.lane, t)) {
      ticket = null;
      queuedNanos = Math.max(0, queuedNanos) + rt.nanoClock.getAsLong() - t.enqueuedNanos;
      return true;
    }
    return false;
  }

  /**
   * Decides what to do with a response head: discard it and retry elsewhere when the status
   * means "not admitted" and a retry is possible, else relay it.
   */
  void responseHead(Attempt a, int status) {
    if (rt.retryOnStatus[status] && !done && failover.mayRetry(true)) {
      a.discard(status >= 500);
      rt.metrics.retry(model, "status_" + status);
      next();
    } else {
      a.accept();
    }
  }

  /** An attempt failed before anything was relayed. */
  void attemptFailed(Attempt a, Reason reason) {
    failover.failed(reason);
    if (Failover.retriable(reason) && !done
        && failover.mayRetry(reason != Reason.REPLICA_STALLED)) {
      rt.metrics.retry(model, reason.label());
      next();
    } else {
      upstreamError(reason);
    }
  }

  private void upstreamError(Reason reason) {
    switch (reason) {
      case CONNECT_TIMEOUT -> error(504, reason, "No replica of model `" + model
          + "` could be reached in time", null, null, false);
      case FIRST_BYTE_TIMEOUT -> error(504, reason, "The replica did not start answering within "
          + rt.timeouts.firstByte().toSeconds() + "s", null, null, false);
      case POOL_FULL -> error(503, reason, "Too many requests in flight for model `" + model
          + "`", null, 1L, false);
      case UPSTREAM_RESET -> error(502, reason,
          "The replica closed the connection before answering", null, null, false);
      case REPLICA_STALLED -> error(502, reason, "The replica of model `" + model
          + "` stopped answering and no other could take the request", null, null, false);
      default -> error(502, reason, "No replica of model `" + model + "` could be reached",
          null, null, false);
    }
  }

  // ---- relay support for Attempt -------------------------------------------------------------

  HttpServerRequest request() {
    return req;
  }

  HttpServerResponse response() {
    return resp;
  }

  ProxyRuntime runtime() {
    return rt;
  }

  ProxyVerticle owner() {
    return owner;
  }

  Buffer body() {
    return body;
  }

  String requestId() {
    return requestId;
  }

  /** What the body says about the request's size (for the policy and the replica's sums). */
  RequestInfo requestInfo() {
    return requestInfo;
  }

  /** Whether the connection's peer is a trusted proxy (decided once per request). */
  boolean trustedPeer() {
    if (trustedPeer == null) {
      trustedPeer = rt.forwarding.trustedPeer(req);
    }
    return trustedPeer;
  }

  /**
   * Answers a replica's 5xx with the router's own error of the same status, naming the replica
   * by id only; the replica's {@code Retry-After}, if any, is kept.
   */
  void replicaError(int status, Replica replica, String retryAfter) {
    resp.putHeader("x-lb-replica", replica.id());
    if (retryAfter != null && retryAfter.length() <= 32) {
      resp.putHeader("retry-after", retryAfter);
    }
    error(status, Reason.UPSTREAM_ERROR, "The replica failed to process the request (HTTP "
        + status + ")", null, null, false);
  }

  /** Adds the router's own headers to an answer: the rate-limit state of the client's key. */
  void addResponseHeaders() {
    if (key != null) {
      key.writeHeaders(resp.headers(), rt.nanoClock.getAsLong());
    }
  }

  /**
   * The replica was ejected because it stalled or stopped answering: the attempt on it, if any,
   * gives up (see {@link Attempt#replicaFailed}).
   */
  void replicaFailed(Replica replica, boolean stalled) {
    if (!done && attempt != null && attempt.replica() == replica) {
      attempt.replicaFailed(stalled);
    }
  }

  /** Writes relayed bytes. */
  void write(Buffer chunk, long now) {
    count(chunk, now);
    resp.write(chunk);
  }

  /** Counts relayed bytes, remembering the last two to end an SSE event cleanly later. */
  private void count(Buffer chunk, long now) {
    if (firstByteNanos < 0) {
      firstByteNanos = now;
    }
    int n = chunk.length();
    if (n > 0) {
      tail = n >= 2 ? (chunk.getByte(n - 2) << 8) | (chunk.getByte(n - 1) & 0xff)
          : ((tail & 0xff) << 8) | (chunk.getByte(0) & 0xff);
      bytesSent += n;
    }
  }

  /** The relayed response ended normally; {@code last} holds bytes not written yet, or null. */
  void relayEnded(int status, Buffer last, long now) {
    if (last != null) {
      count(last, now);
    }
    // Complete first: ending an HTTP/2 stream closes it at once, and its close handler must not
    // mistake that for the client leaving.
    complete(status, Reason.COMPLETE, true);
    if (last == null) {
      resp.end();
    } else {
      resp.end(last);
    }
  }

  /**
   * The relay broke after the response started: an SSE stream gets one error event (and no
   * {@code [DONE]}), anything else is cut so the client cannot mistake it for a whole answer.
   */
  void relayBroken(int status, Reason reason, boolean sse, int errorStatus, String message) {
    if (sse && !resp.closed()) {
      if (bytesSent > 0 && tail != (('\n' << 8) | '\n')) {
        resp.write(Buffer.buffer((tail & 0xff) == '\n' ? "\n" : "\n\n"));
      }
      Buffer event = OpenAiError.sseEvent(errorStatus, message);
      bytesSent += event.length();
      complete(status, reason, true);
      resp.end(event);
    } else {
      complete(status, reason, false);
      resp.reset();
    }
  }

  /** The client stopped reading for longer than the stream-idle timeout. */
  void clientStalled() {
    complete(499, Reason.CLIENT_STALLED, false);
    resp.reset();
  }

  private void clientGone() {
    if (done) {
      return;
    }
    leaveQueue();
    if (attempt != null) {
      attempt.cancel();
    }
    if (req.version() != HttpVersion.HTTP_2 && !resp.closed()) {
      req.connection().close();
    }
    complete(499, Reason.CLIENT_GONE, false);
  }

  /** Enforces the body deadline and the current attempt's deadlines (see ProxyVerticle). */
  void tick(long now) {
    if (done) {
      return;
    }
    if (bodyDeadline != 0 && now - bodyDeadline >= 0) {
      bodyDeadline = 0;
      error(408, Reason.BODY_TIMEOUT, "The request body did not arrive within "
          + rt.timeouts.bodyRead().toSeconds() + "s", null, null, true);
      return;
    }
    if (ticket != null && now - ticket.deadlineNanos >= 0 && leaveQueue()) {
      rt.gateMetrics.admissionRejected(model, Reason.QUEUE_TIMEOUT);
      error(503, Reason.QUEUE_TIMEOUT, "Every replica of model `" + model + "` stayed at its"
          + " in-flight limit for " + rt.config.admission().queue().maxWait().toSeconds()
          + "s; retry later", null, rt.admission.retryAfterSeconds(model), false);
      return;
    }
    if (attempt != null) {
      attempt.tick(now);
    }
  }

  /** Ends the request because the drain timeout is over. */
  void abort() {
    if (done) {
      return;
    }
    if (attempt != null && attempt.committed()) {
      attempt.abortCommitted();
    } else {
      leaveQueue();
      if (attempt != null) {
        attempt.cancel();
      }
      error(503, Reason.DRAIN_TIMEOUT, "The router is shutting down", null, 1L, true);
    }
  }

  private void methodNotAllowed(String allow) {
    resp.putHeader("allow", allow);
    error(405, Reason.METHOD_NOT_ALLOWED, "Method " + req.method() + " is not allowed on "
        + shorten(req.path()) + "; use " + allow, null, null, false);
  }

  private void error(int status, Reason reason, String message, String param, Long retryAfter,
      boolean closeConnection) {
    error(status, reason, message, null, null, param, retryAfter, closeConnection);
  }

  /** {@link #error} with OpenAI's own error {@code type} and {@code code}. */
  private void error(int status, Reason reason, String message, String type, String code,
      Long retryAfter, boolean closeConnection) {
    error(status, reason, message, type, code, null, retryAfter, closeConnection);
  }

  private void error(int status, Reason reason, String message, String type, String code,
      String param, Long retryAfter, boolean closeConnection) {
    if (done) {
      return;
    }
    if (resp.closed() || resp.headWritten()) {
      clientGone();
      return;
    }
    if (retryAfter != null) {
      resp.putHeader("retry-after", Long.toString(retryAfter));
    }
    boolean close = closeConnection || rt.draining();
    if (close && req.version() != HttpVersion.HTTP_2) {
      resp.putHeader("connection", "close");
    }
    Buffer json = type == null ? OpenAiError.body(status, message, param)
        : OpenAiError.body(message, type, param, code);
    resp.setStatusCode(status).putHeader("content-type", JSON)
        .putHeader("x-request-id", requestId);
    refundIfUnsent();
    addResponseHeaders();
    bytesSent = json.length();
    complete(status, reason, !close);
    if (close) {
      // Close only once the answer is on the wire; closing at once could drop it.
      resp.end(json).onComplete(v -> req.connection().close());
    } else {
      resp.end(json);
    }
  }

  private void respond(int status, Buffer json, Long retryAfter) {
    if (retryAfter != null) {
      resp.putHeader("retry-after", Long.toString(retryAfter));
    }
    if (rt.draining() && req.version() != HttpVersion.HTTP_2) {
      resp.putHeader("connection", "close");
    }
    resp.setStatusCode(status).putHeader("content-type", JSON)
        .putHeader("x-request-id", requestId);
    addResponseHeaders();
    bytesSent = json.length();
    Buffer out = req.method() == HttpMethod.HEAD ? Buffer.buffer() : json;
    boolean draining = rt.draining();
    complete(status, Reason.COMPLETE, !draining);
    if (draining && req.version() != HttpVersion.HTTP_2) {
      resp.end(out).onComplete(v -> req.connection().close());
    } else {
      resp.end(out);
    }
  }

  /** A request that never reached a replica is not charged to the client's key. */
  private void refundIfUnsent() {
    if (key != null && (failover == null || failover.attempts() == 0)) {
      key.refund(rt.nanoClock.getAsLong());
    }
  }

  /** The one exit: releases the slot, counts and logs; later calls are ignored. */
  private void complete(int status, Reason reason, boolean connectionKept) {
    if (done) {
      return;
    }
    done = true;
    bodyDeadline = 0;
    rt.activeRequests.decrementAndGet();
    refundIfUnsent();
    owner.ended(this, req, conn, connectionKept);
    long now = rt.nanoClock.getAsLong();
    String replica = attempt == null ? null : attempt.replica().id();
    rt.metrics.request(model == null ? RouterMetrics.NONE : model,
        replica == null ? RouterMetrics.NONE : replica, status, reason);
    rt.accessLog.log(new AccessLogEntry(startMillis, requestId,
        rt.forwarding.client(req, trustedPeer()),
        req.method().name(), req.path(), protocol(), status, bytesSent,
        (now - startNanos) / 1000, firstByteNanos < 0 ? -1 : (firstByteNanos - startNanos) / 1000,
        modelLog, replica, failover == null ? 0 : failover.attempts(), reason,
        key == null ? null : key.id(), queuedNanos < 0 ? -1 : queuedNanos / 1000));
  }

  private String protocol() {
    if (req.version() == null) {
      return "HTTP/?";
    }
    return switch (req.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2";
      default -> "HTTP/1.1";
    };
  }

  /**
   * 128 random bits as 32 hex digits; not security sensitive, so no SecureRandom lock. Written
   * into one char array: string concatenation here cost more than the random numbers.
   */
  static String newRequestId() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    char[] id = new char[32];
    hex(r.nextLong(), id, 0);
    hex(r.nextLong(), id, 16);
    return new String(id);
  }

  private static void hex(long v, char[] to, int at) {
    for (int i = 15; i >= 0; i--) {
      to[at + i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  private static String shorten(String s) {
    return s.length() <= 256 ? s : s.substring(0, 256) + "...";
  }
}
