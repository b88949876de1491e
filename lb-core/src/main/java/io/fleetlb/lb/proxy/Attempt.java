package io.fleetlb.lb.proxy;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.AttemptResult;
import io.fleetlb.lb.pool.Dispatch;
import io.fleetlb.lb.pool.Replica;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.AsciiString;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.headers.HeadersMultiMap;
import io.vertx.core.internal.buffer.BufferInternal;

/**
 * One upstream try of an {@link Exchange} on one replica: connect, send the original body bytes,
 * wait for the first response byte under the first-byte timeout, then relay the body chunk by
 * chunk with back-pressure under the stream-idle timeout.
 *
 * <p>The client's response head is written with the first body byte (or the end of an empty
 * answer), not with the replica's head: vLLM sends a stream's head at once and its first event
 * only after the request waited and was prefilled, so until then nothing has reached the client
 * and a replica that fails, stalls or is ejected can still be replaced by another.
 *
 * <p>The replica's in-flight slot is taken in {@link #start} and released in {@link #finish},
 * which runs exactly once whatever happens (end, failure, timeout, client gone, drain); its
 * awaiting-first-byte share is released by the first response byte or, failing that, by
 * {@link #finish}.
 */
final class Attempt implements UpstreamPool.Waiter, UpstreamConnection.Listener {
  private static final int COALESCE_LIMIT = 64 * 1024;
  // Header names the router writes on every request, hashed once.
  private static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
  private static final AsciiString X_LB_REPLICA = AsciiString.cached("x-lb-replica");
  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
  private final Exchange ex;
  private final ProxyRuntime rt;
  private final Replica replica;
  private final boolean holdsRetrySlot;
  private final long startNanos;
  private final Dispatch dispatch;
  /** The connection lent to this attempt (null until connected, and after it ended). */
  private UpstreamConnection conn;
  /** The response head's headers (null until it came). */
  private HttpHeaders response;
  /** Between asking the pool for a connection and getting one (or a refusal). */
  private boolean waiting;
  private int status;
  private boolean finished;
  /** The response was accepted (not retried): its body is being read. */
  private boolean accepted;
  /** The client's response head was written: from here on nothing can be retried. */
  private boolean committed;
  private boolean sse;
  private boolean firstByteSeen;
  /** A started SSE stream not yet {@link Dispatch#mature mature}; it started at streamStart. */
  private boolean maturing;
  private long streamStartNanos;
  /** When the first response byte is due (0: not waiting for one). */
  private long firstByteDeadline;
  private long lastReadNanos;
  private long pausedSinceNanos;
  /** Response bytes of this read held back to leave in one write (not SSE), else null. */
  private Buffer pending;

  /**
   * An attempt on a replica whose slot was taken already ({@code dispatch}); {@link #finish}
   * releases it.
   */
  Attempt(Exchange ex, Replica replica, boolean holdsRetrySlot, Dispatch dispatch) {
    this.ex = ex;
    this.rt = ex.runtime();
    this.replica = replica;
    this.holdsRetrySlot = holdsRetrySlot;
    this.dispatch = dispatch;
    this.startNanos = rt.nanoClock.getAsLong();
  }

  Replica replica() {
    return replica;
  }

  /** Whether the client's response head has been written (the answer can no longer change). */
  boolean committed() {
    return committed;
  }

  void start() {
    waiting = true;
    ex.owner().upstream().acquire(replica, this);
  }

  @Override
  public void connected(UpstreamConnection c) {
    waiting = false;
    if (finished) {
      ex.owner().upstream().release(c, true); // unused: as good as idle
      return;
    }
    conn = c;
    boolean trusted = ex.trustedPeer();
    HeadersMultiMap h = HeadersMultiMap.httpHeaders();
    rt.headers.copyRequest(ex.request().headers(), h, trusted);
    h.add(HttpHeaderNames.HOST, replica.hostHeader());
    Buffer body = ex.body();
    h.add(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length()));
    h.add(X_REQUEST_ID, ex.requestId());
    String xff = rt.forwarding.forwardedFor(ex.request(), trusted);
    if (xff != null) {
      h.add(X_FORWARDED_FOR, xff);
    }
    h.add(X_FORWARDED_PROTO, Forwarding.forwardedProto(ex.request(), trusted));
    if (rt.upstreamAuthorization != null) {
      h.add(HttpHeaderNames.AUTHORIZATION, rt.upstreamAuthorization);
    }
    String uri = replica.basePath().isEmpty() ? ex.request().uri()
        : replica.basePath() + ex.request().uri();
    firstByteDeadline = rt.nanoClock.getAsLong() + rt.firstByteMillis * 1_000_000L;
    c.send(new DefaultFullHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
        HttpMethod.POST, uri, ((BufferInternal) body).getByteBuf(), h, EmptyHttpHeaders.INSTANCE),
        this);
  }

  @Override
  public void connectFailed(Reason reason) {
    waiting = false;
    fail(reason);
  }

  @Override
  public void head(HttpResponse head) {
    if (finished) {
      return;
    }
    response = head.headers();
    status = head.status().code();
    if (!eventStream(response)) {
      // A stream's head is no sign of life: vLLM's HTTP server sends it at once, whether its
      // engine runs or not, so only the stream's events count (a hung engine must look silent).
      dispatch.progress(rt.nanoClock.getAsLong());
    }
    ex.responseHead(this, status);
  }

  @Override
  public void content(ByteBuf chunk) {
    if (accepted && !finished) {
      // copied to the heap (as Vert.x's own client does): the decoder's buffer is released when
      // this call returns, whatever allocator it came from
      Buffer copy = BufferInternal.buffer(chunk.readableBytes());
      chunk(copy.appendBuffer(BufferInternal.buffer(chunk)));
    }
  }

  @Override
  public void end() {
    conn = null; // back with its pool
    if (accepted) {
      ended();
    } else if (!finished) {
      fail(Reason.UPSTREAM_RESET); // an end without a head: not an answer to this request
    }
  }

  @Override
  public void broken(Throwable cause) {
    conn = null;
    if (finished) {
      return;
    }
    if (accepted) {
      broken(Reason.STREAM_BROKEN);
    } else {
      fail(Reason.UPSTREAM_RESET);
    }
  }

  /** Closes the connection if the attempt still holds it (the replica stops generating). */
  private void reset() {
    if (waiting) {
      waiting = false;
      ex.owner().upstream().cancel(replica, this); // a connection being opened comes back idle
    }
    UpstreamConnection c = conn;
    conn = null;
    if (c != null) {
      c.reset();
    }
  }

  /** Drops a "not admitted" answer (the exchange retries elsewhere). */
  void discard(boolean countsAsFailure) {
    finish(AttemptResult.FAILED);
    reset();
    if (countsAsFailure) {
      rt.pool.recordFailure(replica);
    }
  }

  /**
   * Accepts the response: a 5xx is answered with the router's own error, anything else is
   * relayed from its first body byte on (status, allowed headers, {@code x-lb-replica}).
   */
  void accept() {
    accepted = true;
    if (status >= 500) {
      replaceServerError();
      return;
    }
    sse = eventStream(response);
  }

  /** Writes the client's response head from the replica's; once. */
  private void commit() {
    committed = true;
    HttpServerResponse out = ex.response();
    out.setStatusCode(status);
    rt.headers.copyResponse(response, out.headers());
    out.putHeader(X_LB_REPLICA, replica.id());
    out.putHeader(X_REQUEST_ID, ex.requestId());
    ex.addResponseHeaders();
    String length = response.get(HttpHeaderNames.CONTENT_LENGTH);
    if (length != null) {
      out.putHeader(HttpHeaderNames.CONTENT_LENGTH, length);
    } else if (ex.request().version() == HttpVersion.HTTP_1_1) {
      out.setChunked(true);
    }
    if (rt.draining() && ex.request().version() != HttpVersion.HTTP_2) {
      out.putHeader("connection", "close");
    }
  }

  /**
   * A replica's 5xx answer is relayed with its status but the router's own error body: a server
   * error's text may name internal addresses or carry a stack trace. Its connection is closed
   * rather than read to the end.
   */
  private void replaceServerError() {
    String retryAfter = response.get("retry-after");
    finish(AttemptResult.COMPLETED);
    reset();
    rt.pool.recordFailure(replica);
    ex.replicaError(status, replica, retryAfter);
  }

  private void chunk(Buffer chunk) {
    if (finished) {
      return;
    }
    long now = rt.nanoClock.getAsLong();
    dispatch.progress(now);
    if (!firstByteSeen) {
      firstByteSeen = true;
      firstByteDeadline = 0;
      dispatch.firstByte();
      if (sse) {
        dispatch.streamStarted();
        streamStartNanos = now;
        maturing = true;
      }
      rt.metrics.firstByte(replica, now - startNanos);
      commit();
    }
    lastReadNanos = now;
    if (!sse) {
      // Bytes that arrive in one read of the replica's socket (typically head, whole body and
      // end of a non-streaming answer) leave in one write instead of one syscall each; they go
      // when the read is done (readComplete) or with the end. SSE events are written as they come.
      pending = pending == null ? chunk : pending.appendBuffer(chunk); // chunk is our own copy
      if (pending.length() >= COALESCE_LIMIT) {
        // A large body is relayed as it comes; holding more would defeat back-pressure.
        writePending(now);
      }
      return;
    }
    writeNow(chunk, now);
  }

  @Override
  public void readComplete() {
    if (!finished && pending != null) {
      writePending(rt.nanoClock.getAsLong());
    }
  }

  private void writePending(long now) {
    Buffer b = pending;
    pending = null;
    writeNow(b, now);
  }

  private void writeNow(Buffer chunk, long now) {
    HttpServerResponse out = ex.response();
    ex.write(chunk, now);
    if (out.writeQueueFull()) {
      // A slow client pauses the replica's stream instead of growing the router's memory.
      UpstreamConnection c = conn;
      if (c == null) {
        return; // the response ended already
      }
      c.pause();
      pausedSinceNanos = now;
      out.drainHandler(v -> {
        pausedSinceNanos = 0;
        lastReadNanos = rt.nanoClock.getAsLong();
        if (!finished && conn == c) {
          c.resume();
        }
      });
    }
  }

  private void ended() {
    if (finished) {
      return;
    }
    long now = rt.nanoClock.getAsLong();
    dispatch.progress(now);
    finish(AttemptResult.COMPLETED);
    rt.pool.recordSuccess(replica);
    if (!committed) {
      commit();
    }
    Buffer last = pending;
    pending = null;
    ex.relayEnded(status, last, now);
  }

  private void broken(Reason reason) {
    if (finished) {
      return;
    }
    if (!committed) {
      // Nothing reached the client yet: the exchange may still try another replica.
      fail(reason == Reason.STREAM_IDLE_TIMEOUT ? reason : Reason.UPSTREAM_RESET);
      return;
    }
    finish(AttemptResult.FAILED);
    reset();
    rt.pool.recordFailure(replica);
    if (reason == Reason.STREAM_IDLE_TIMEOUT) {
      ex.relayBroken(status, reason, sse, 504, "The replica sent nothing for "
          + rt.timeouts.streamIdle().toSeconds() + "s; the response is incomplete");
    } else if (reason == Reason.REPLICA_STALLED) {
      ex.relayBroken(status, reason, sse, 502, "The replica stalled; the response is"
          + " incomplete");
    } else {
      ex.relayBroken(status, reason, sse, 502,
          "The replica failed while sending the response; the response is incomplete");
    }
  }

  /**
   * The replica was ejected because it stalled or stopped answering. An attempt that has sent
   * nothing to its client is abandoned (the exchange tries another replica); a started stream is
   * cut too when the replica stalled, since no more bytes will come.
   */
  void replicaFailed(boolean stalled) {
    if (finished) {
      return;
    }
    if (!committed) {
      fail(Reason.REPLICA_STALLED);
    } else if (stalled) {
      broken(Reason.REPLICA_STALLED);
    }
  }

  /** The client went away: reset the upstream request so the replica stops generating. */
  void cancel() {
    if (finished) {
      return;
    }
    finish(AttemptResult.CANCELLED);
    reset();
  }

  /** The drain timeout is over while relaying: cut both sides. */
  void abortCommitted() {
    if (finished) {
      return;
    }
    finish(AttemptResult.CANCELLED);
    reset();
    ex.relayBroken(status, Reason.DRAIN_TIMEOUT, sse, 503,
        "The router is shutting down; the response is incomplete");
  }

  private void fail(Reason reason) {
    if (finished) {
      return;
    }
    finish(AttemptResult.FAILED);
    reset();
    if (reason != Reason.POOL_FULL && reason != Reason.REPLICA_STALLED) {
      rt.pool.recordFailure(replica);
    }
    ex.attemptFailed(this, reason);
  }

  /** Marks the attempt over before anything else, since a reset can call back synchronously. */
  private void finish(AttemptResult result) {
    finished = true;
    firstByteDeadline = 0;
    // Metered before the slot is released: a replica that left is forgotten (its series
    // removed) as soon as nothing is in flight on it.
    rt.metrics.attemptDuration(replica, rt.nanoClock.getAsLong() - startNanos);
    dispatch.finish(result);
    if (holdsRetrySlot) {
      rt.retryBudget.release();
    }
    // The slot is free: a request waiting in the router's queue may take it.
    rt.admission.pump(replica.model());
  }

  /**
   * Enforces this attempt's deadlines; called by the event loop's sweep, which replaces one timer
   * per request and phase (scheduling and cancelling them cost more than the whole relay).
   */
  void tick(long now) {
    if (finished) {
      return;
    }
    if (firstByteDeadline != 0 && now - firstByteDeadline >= 0) {
      fail(Reason.FIRST_BYTE_TIMEOUT);
      return;
    }
    if (!firstByteSeen) {
      return;
    }
    long limit = rt.streamIdleNanos;
    if (maturing && rt.stalledAfterNanos > 0 && now - streamStartNanos >= rt.stalledAfterNanos) {
      // From now on this stream's bytes show the replica still serves its older streams.
      maturing = false;
      dispatch.mature();
    }
    if (pausedSinceNanos == 0 && rt.stalledAfterNanos > 0
        && now - lastReadNanos >= rt.stalledAfterNanos) {
      // Told to the stall watch, which ejects a replica whose streams are mostly silent.
      dispatch.silent();
    }
    if (pausedSinceNanos != 0) {
      if (now - pausedSinceNanos >= limit) {
        finish(AttemptResult.CANCELLED);
        reset();
        ex.clientStalled();
      }
    } else if (now - lastReadNanos >= limit && !preempted(now)) {
      broken(Reason.STREAM_IDLE_TIMEOUT);
    }
  }

  /**
   * Whether this silent stream is one that vLLM preempted for lack of KV cache: its replica still
   * serves its older streams. A preempted request waits in vLLM's queue again until cache frees,
   * so its silence is bounded by the queue wait ({@code timeouts.first_byte}) instead of
   * {@code stream_idle}, and is no sign of a failure.
   */
  private boolean preempted(long now) {
    return sse && now - lastReadNanos < rt.firstByteMillis * 1_000_000L
        && rt.pool.servesMatureStreams(replica, rt.stalledAfterNanos);
  }

  private static boolean eventStream(HttpHeaders response) {
    String type = response.get("content-type");
    return type != null && type.regionMatches(true, 0, "text/event-stream", 0, 17);
  }
}
