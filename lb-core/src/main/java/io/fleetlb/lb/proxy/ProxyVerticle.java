package io.fleetlb.lb.proxy;

import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One event loop's share of the public listener: an HTTP server (sharing the port with the other
 * instances) and its own upstream connections ({@link UpstreamPool}, on Netty's HTTP codec), so a
 * request and its upstream connection stay on one thread. It also enforces the request-head
 * deadline per connection.
 */
public final class ProxyVerticle extends VerticleBase {
  private final ProxyRuntime rt;
  private final int port;
  /**
   * The exchanges running on this loop, in no order; each knows its index, so adding and removing
   * one moves at most one other (no hashing, no allocation per request).
   */
  private Exchange[] active = new Exchange[64];
  private int activeCount;
  /**
   * Every open client connection of this loop and its request-head deadline. Looked up once per
   * request; arming and disarming the deadline then only writes the state's own fields (a map
   * update per request, with its node and boxed time, cost more than the rest of the deadline).
   */
  private final Map<HttpConnection, ClientConnection> connections = new HashMap<>();
  private UpstreamPool upstream;
  private HttpServer server;
  private long sweeper;

  /**
   * Creates one instance.
   *
   * @param port the port to listen on (the first instance may use 0; the others must then use
   *     the port it got)
   */
  public ProxyVerticle(ProxyRuntime rt, int port) {
    this.rt = rt;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    RouterConfig c = rt.config;
    int loops = c.listen().resolvedEventLoops();
    int perLoop = Math.max(1, (c.upstream().maxConnectionsPerReplica() + loops - 1) / loops);
    VertxInternal vx = (VertxInternal) vertx;
    int warmPerLoop = (c.upstream().warmConnections() + loops - 1) / loops;
    upstream = new UpstreamPool(((ContextInternal) context).nettyEventLoop(),
        vx.transport().channelFactory(false), vx.nameResolver().nettyAddressResolverGroup(),
        c.upstream(), perLoop, warmPerLoop, rt.nanoClock, () -> rt.connectMillis,
        r -> !rt.draining() && !rt.pool.removed(r) && !rt.pool.ejected(r) && rt.pool.healthy(r));
    server = vertx.createHttpServer(serverOptions(c)
            .setHost(c.listen().host())
            .setPort(port)
            .setMaxHeaderSize(c.limits().maxHeaderSize().intBytes())
            .setMaxInitialLineLength(c.limits().maxInitialLine().intBytes())
            .setHandle100ContinueAutomatically(false)
            .setCompressionSupported(false)
            .setDecompressionSupported(false)
            // no WebSocket endpoint (handshakes are refused below): without compression support
            // Vert.x leaves its WebSocket extension handler out of every connection's pipeline,
            // one handler less on each read, write and flush
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setTcpNoDelay(true)
            .setHttp2ClearTextEnabled(c.listen().h2c())
            .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1000))
            .setAcceptBacklog(4096)
            // every request and response of a connection is handled on its own event loop (one
            // verticle per loop; work from elsewhere comes back through runOnContext), so Vert.x
            // can write responses directly instead of through its cross-thread message queue
            .setStrictThreadMode(true))
        .requestHandler(this::handle)
        // With a WebSocket handler set, Vert.x hands requests of an unknown HTTP version to the
        // request handler (which answers them in the API's error format) instead of a bare 501.
        .webSocketHandshakeHandler(hs -> hs.reject(400))
        .invalidRequestHandler(this::invalid)
        .connectionHandler(this::connected);
    sweeper = vertx.setPeriodic(sweepMillis(c), t -> sweep());
    return server.listen();
  }

  /**
   * TLS on the public listener when configured: the certificate in use, HTTP/2 offered by ALPN,
   * TLS 1.2 and 1.3 only, and a deadline for the handshake (a client that connects and stays
   * silent must not hold a connection).
   */
  private HttpServerOptions serverOptions(RouterConfig c) {
    HttpServerOptions o = new HttpServerOptions();
    if (rt.certificate != null) {
      o.setSsl(true)
          .setKeyCertOptions(rt.certificate.options())
          .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
          .setSslHandshakeTimeout(rt.headerReadMillis)
          .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
          .setUseAlpn(c.tls().h2());
      if (c.tls().h2()) {
        o.setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
      }
    }
    return o;
  }

  /** Puts a renewed certificate in use for new connections (connections open keep theirs). */
  public Future<Boolean> updateCertificate(PemKeyCertOptions options) {
    return server.updateSSLOptions(new ServerSSLOptions()
        .setKeyCertOptions(options)
        .setEnabledSecureTransportProtocols(Set.of("TLSv1.2", "TLSv1.3"))
        .setUseAlpn(rt.config.tls().h2())
        .setApplicationLayerProtocols(rt.config.tls().h2() ? List.of("h2", "http/1.1")
            : List.of("http/1.1")), true);
  }

  /**
   * One periodic sweep per event loop enforces every deadline (request head, body, first byte,
   * stream idle) with a resolution of a tenth of the shortest one, at most 100 ms.
   */
  static long sweepMillis(RouterConfig c) {
    long shortest = Math.min(Math.min(c.timeouts().headerRead().toMillis(),
        c.timeouts().bodyRead().toMillis()), Math.min(c.timeouts().firstByte().toMillis(),
        c.timeouts().streamIdle().toMillis()));
    return Math.max(10, Math.min(100, shortest / 10));
  }

  private void sweep() {
    long now = rt.nanoClock.getAsLong();
    rt.admission.pumpAll();
    upstream.sweep(now);
    for (Exchange e : activeSnapshot()) {
      e.tick(now);
    }
    List<ClientConnection> late = null;
    for (ClientConnection c : connections.values()) {
      if (c.headArmed && now - c.headDue >= 0) {
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(c);
      }
    }
    if (late != null) {
      for (ClientConnection c : late) {
        c.headArmed = false;
        c.cut = true;
        rt.metrics.headerTimeout();
        c.conn.close();
      }
    }
  }

  /** The exchanges running on this loop, copied (ending one while going through is allowed). */
  private Exchange[] activeSnapshot() {
    return Arrays.copyOf(active, activeCount);
  }

  private void addActive(Exchange e) {
    if (activeCount == active.length) {
      active = Arrays.copyOf(active, activeCount * 2);
    }
    e.activeIndex = activeCount;
    active[activeCount++] = e;
  }

  private void removeActive(Exchange e) {
    int i = e.activeIndex;
    if (i < 0) {
      return;
    }
    Exchange last = active[--activeCount];
    active[i] = last;
    last.activeIndex = i;
    active[activeCount] = null;
    e.activeIndex = -1;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweeper);
    return server.close().andThen(v -> upstream.close());
  }

  /** The port this instance listens on. */
  public int actualPort() {
    return server.actualPort();
  }

  io.vertx.core.Vertx vertx() {
    return vertx;
  }

  /** Runs a task on this instance's event loop (from any thread). */
  void onLoop(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  UpstreamPool upstream() {
    return upstream;
  }

  ProxyRuntime runtime() {
    return rt;
  }

  /**
   * Tells this event loop's requests that a replica was ejected because it stalled or stopped
   * answering (see {@link Attempt#replicaFailed}).
   */
  public void replicaFailed(Replica replica, boolean stalled) {
    context.runOnContext(v -> {
      for (Exchange e : activeSnapshot()) {
        e.replicaFailed(replica, stalled);
      }
    });
  }

  /** Open connections (idle or in use) from this event loop to a replica. */
  public Future<Integer> upstreamConnections(Replica replica) {
    Promise<Integer> open = Promise.promise();
    context.runOnContext(v -> open.complete(upstream.open(replica)));
    return open.future();
  }

  /** Ends every request still running on this event loop (the drain timeout is over). */
  public Future<Void> abortAll() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> {
      for (Exchange e : activeSnapshot()) {
        e.abort();
      }
      done.complete();
    });
    return done.future();
  }

  private void handle(HttpServerRequest req) {
    ClientConnection c = connections.get(req.connection());
    if (c != null) {
      c.headArmed = false;
    }
    Exchange e = new Exchange(this, req, c);
    addActive(e);
    if (req.version() == null) {
      e.rejectInvalid(505, Reason.UNSUPPORTED_VERSION, "HTTP version not supported: send "
          + "HTTP/1.1" + (rt.config.listen().h2c() ? " or HTTP/2 (h2c)" : ""));
      return;
    }
    e.start();
  }

  private void invalid(HttpServerRequest req) {
    ClientConnection c = connections.get(req.connection());
    if (c != null && c.cut) {
      // Closing a connection mid-head makes the decoder report the cut head: already counted.
      return;
    }
    Throwable cause = req.decoderResult().cause();
    int status;
    Reason reason;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      reason = Reason.URI_TOO_LONG;
      message = "The request line is longer than " + rt.config.limits().maxInitialLine();
    } else if (cause instanceof TooLongHttpHeaderException
        || cause instanceof TooLongFrameException) {
      status = 431;
      reason = Reason.HEADERS_TOO_LARGE;
      message = "The request headers are larger than " + rt.config.limits().maxHeaderSize();
    } else {
      status = 400;
      reason = Reason.BAD_REQUEST;
      message = "The request is not valid HTTP";
    }
    Exchange e = new Exchange(this, req, c);
    addActive(e);
    e.rejectInvalid(status, reason, message);
  }

  /** Tracks a new client connection and arms its request-head deadline. */
  private void connected(HttpConnection conn) {
    ClientConnection c = new ClientConnection(conn);
    armHeadDeadline(c);
    connections.put(conn, c);
    conn.closeHandler(v -> {
      c.headArmed = false;
      if (c.cut) {
        // Let the decoder's report of the cut head arrive first, then forget the connection.
        vertx.setTimer(1000, x -> connections.remove(conn));
      } else {
        connections.remove(conn);
      }
    });
  }

  private void armHeadDeadline(ClientConnection c) {
    c.headDue = rt.nanoClock.getAsLong() + rt.headerReadMillis * 1_000_000L;
    c.headArmed = true;
  }

  /**
   * Called once per exchange when it ended.
   *
   * @param c the request's client connection as {@link #handle} found it, null if unknown
   */
  void ended(Exchange e, HttpServerRequest req, ClientConnection c, boolean connectionKept) {
    removeActive(e);
    if (connectionKept && c != null && !c.cut && req.version() != HttpVersion.HTTP_2) {
      // The keep-alive connection now waits for its next request head, under the same deadline.
      armHeadDeadline(c);
    }
  }

  /** A client connection of this loop and the deadline for its next request head. */
  static final class ClientConnection {
    final HttpConnection conn;
    long headDue;
    /** Waiting for a request head (new, or kept alive after a request). */
    boolean headArmed;
    /** Closed by the head deadline (its decoder's report of the cut head is not an error). */
    boolean cut;

    ClientConnection(HttpConnection conn) {
      this.conn = conn;
    }
  }
}
