package io.fleetlb.lb.proxy;

import io.fleetlb.lb.config.UpstreamConfig;
import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.pool.Replica;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.resolver.AddressResolverGroup;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop's HTTP/1.1 connections to the replicas, on Netty's codec and on the same event
 * loop as the client connections they serve (no hand-over between threads, no locks). Per replica:
 * the idle connections in a last-in first-out cache (taking one is O(1) however many are open,
 * and the most recently used one is the least likely to have been closed by the replica), a cap
 * on open connections ({@code upstream.max_connections_per_replica} shared out over the event
 * loops) and a bounded queue of requests waiting for one ({@code upstream.max_wait_queue}; beyond
 * it a request is refused with {@link Reason#POOL_FULL}). Idle connections are closed after
 * {@code upstream.keep_alive_timeout}, before the replica's server closes them itself. When a lull
 * begins (no request to the replica for a keep-alive period), the connections it leaves idle are
 * renewed (a new one opened for each one closed, up to this loop's share of
 * {@code upstream.warm_connections}) until a minute after the last request, so a burst after a
 * lull finds connections instead of opening one per request at once (and running the connect
 * path, which steady traffic never runs and the JIT compiled out, at full rate). Under traffic,
 * connections it stopped needing expire and are not renewed.
 *
 * <p>Vert.x's HTTP client, which this replaces on the proxy path, cost about a tenth of the
 * router's throughput (docs/benchmarks.md): it wraps every response in futures and promises,
 * copies headers into its own maps and passes through a generic connection pool per request.
 */
final class UpstreamPool {
  /** A request waiting for a connection. */
  interface Waiter {
    /** A connection is lent to the request (give it back by using it to the end, or reset it). */
    void connected(UpstreamConnection connection);

    /** No connection: {@link Reason#POOL_FULL}, {@link Reason#CONNECT_TIMEOUT} or
     * {@link Reason#CONNECT_FAILED}. */
    void connectFailed(Reason reason);
  }

  /** One replica's connections on this event loop. */
  static final class Host {
    final Replica replica;
    final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** Connections open or being opened, idle or lent. */
    int open;
    /** When a request last asked for a connection (nanoClock). */
    long lastUsed;

    Host(Replica replica) {
      this.replica = replica;
    }
  }

  private record Waiting(Waiter waiter, long due) {}

  private final EventLoop loop;
  private final ChannelFactory<? extends Channel> channels;
  private final AddressResolverGroup<InetSocketAddress> resolver;
  private final UpstreamConfig config;
  private final LongSupplier nanoClock;
  private final LongSupplier connectMillis;
  private final int maxOpen;
  private final long keepAliveNanos;
  /** How long after a replica's last request its expiring idle connections are renewed. */
  static final long WARM_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(60);
  /** This loop's share of {@code upstream.warm_connections} per replica. */
  private final int warm;
  /** Whether a replica is still worth connections (in the pool, healthy, not ejected). */
  private final Predicate<Replica> wanted;
  /** Takes a renewed connection: into the idle cache, or to a request waiting already. */
  private final Waiter renewal = new Waiter() {
    @Override
    public void connected(UpstreamConnection connection) {
      release(connection, true);
    }

    @Override
    public void connectFailed(Reason reason) {
      // counted out already (never renewed again); the next request connects itself
      LOG.debug("renewing an idle upstream connection failed: {}", reason.label());
    }
  };
  private final Map<Replica, Host> hosts = new HashMap<>();
  private final Set<UpstreamConnection> all = new HashSet<>();
  private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
  private SslContext ssl;
  private Exception sslProblem;
  private boolean closed;

  /**
   * A pool for one event loop.
   *
   * @param maxOpen open connections per replica on this event loop
   * @param warm connections per replica this event loop renews through a lull
   * @param connectMillis the connect timeout, read at each connect (it may be reloaded)
   * @param wanted whether a replica's expiring connections may be renewed (it is still in the
   *     pool and not ejected)
   */
  UpstreamPool(EventLoop loop, ChannelFactory<? extends Channel> channels,
      AddressResolverGroup<InetSocketAddress> resolver, UpstreamConfig config, int maxOpen,
      int warm, LongSupplier nanoClock, LongSupplier connectMillis, Predicate<Replica> wanted) {
    this.loop = loop;
    this.channels = channels;
    this.resolver = resolver;
    this.config = config;
    this.maxOpen = maxOpen;
    this.nanoClock = nanoClock;
    this.connectMillis = connectMillis;
    this.keepAliveNanos = config.keepAliveTimeout().toNanos();
    this.warm = warm;
    this.wanted = wanted;
  }

  /**
   * Lends {@code waiter} a connection to {@code replica}: an idle one, a new one, or the next one
   * freed if the replica's cap is reached and its queue has room. May call back at once.
   */
  void acquire(Replica replica, Waiter waiter) {
    if (closed) {
      waiter.connectFailed(Reason.CONNECT_FAILED);
      return;
    }
    Host h = hosts.computeIfAbsent(replica, Host::new);
    long now = nanoClock.getAsLong();
    h.lastUsed = now;
    UpstreamConnection c = takeIdle(h, now);
    if (c != null) {
      waiter.connected(c);
    } else if (h.open < maxOpen) {
      connect(h, waiter);
    } else if (h.waiting.size() < config.maxWaitQueue()) {
      h.waiting.add(new Waiting(waiter, now + connectMillis.getAsLong() * 1_000_000L));
    } else {
      waiter.connectFailed(Reason.POOL_FULL);
    }
  }

  /** Forgets a waiter that no longer wants a connection (its request ended meanwhile). */
  void cancel(Replica replica, Waiter waiter) {
    Host h = hosts.get(replica);
    if (h != null) {
      h.waiting.removeIf(w -> w.waiter == waiter);
    }
  }

  private UpstreamConnection takeIdle(Host h, long now) {
    for (UpstreamConnection c; (c = h.idle.pollLast()) != null; ) {
      if (!c.usable()) {
        continue; // closed by the replica while idle; already counted out
      }
      if (now - c.idleSince < keepAliveNanos) {
        return c;
      }
      c.channel.close(); // the newest is stale: so are the older ones
      for (UpstreamConnection old; (old = h.idle.pollFirst()) != null; ) {
        old.channel.close();
      }
    }
    return null;
  }

  private void connect(Host h, Waiter waiter) {
    h.open++;
    Replica r = h.replica;
    UpstreamConnection conn = new UpstreamConnection(this, h);
    SslContext tls = r.tls() ? sslContext() : null;
    if (r.tls() && tls == null) {
      h.open--;
      waiter.connectFailed(Reason.CONNECT_FAILED);
      return;
    }
    int timeout = (int) Math.min(Integer.MAX_VALUE, Math.max(1, connectMillis.getAsLong()));
    long started = nanoClock.getAsLong();
    ChannelFuture f = new Bootstrap().group(loop).channelFactory(channels).resolver(resolver)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, timeout)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            if (tls != null) {
              SslHandler handler = tls.newHandler(ch.alloc(), unbracketed(r.host()), r.port());
              // connect and handshake together within the connect timeout
              long left = timeout - (nanoClock.getAsLong() - started) / 1_000_000L;
              handler.setHandshakeTimeoutMillis(Math.max(1, left));
              ch.pipeline().addLast(handler);
            }
            ch.pipeline().addLast(new HttpClientCodec(new HttpDecoderConfig()
                .setMaxHeaderSize(64 * 1024).setMaxChunkSize(64 * 1024), false, false), conn);
          }
        })
        .connect(InetSocketAddress.createUnresolved(unbracketed(r.host()), r.port()));
    conn.channel = f.channel();
    all.add(conn);
    f.addListener((ChannelFutureListener) done -> {
      if (!loop.inEventLoop()) {
        // a channel Netty could not even create (no file descriptor left) fails on its global
        // executor: the pool's state belongs to its event loop
        loop.execute(() -> connected(done, conn, tls, waiter));
        return;
      }
      connected(done, conn, tls, waiter);
    });
  }

  /** A connect ended: the connection is lent to its waiter (after the TLS handshake), or not. */
  private void connected(ChannelFuture done, UpstreamConnection conn, SslContext tls,
      Waiter waiter) {
    if (!done.isSuccess()) {
      // a channel that never became active gets no channelInactive: counted out here
      closed(conn);
      waiter.connectFailed(classify(done.cause()));
      return;
    }
    if (tls == null) {
      waiter.connected(conn);
      return;
    }
    done.channel().pipeline().get(SslHandler.class).handshakeFuture().addListener(hs -> {
      if (hs.isSuccess()) {
        waiter.connected(conn);
      } else {
        done.channel().close();
        waiter.connectFailed(classify(hs.cause()));
      }
    });
  }

  /** The client side of TLS, built on the first {@code https://} replica. */
  private SslContext sslContext() {
    if (ssl == null && sslProblem == null) {
      try {
        SslContextBuilder b = SslContextBuilder.forClient()
            .endpointIdentificationAlgorithm(config.verifyHostname() ? "HTTPS" : null);
        if (config.caFile() != null) {
          b.trustManager(new File(config.caFile()));
        }
        ssl = b.build();
      } catch (SSLException | IllegalArgumentException e) {
        // the CA file was checked at load: it changed or vanished since; told once
        sslProblem = e;
        LOG.error("TLS to https:// replicas is unavailable: {}", e.toString());
      }
    }
    return ssl;
  }

  /**
   * Takes back a lent connection whose response ended: reused when {@code reusable} (by the
   * longest waiting request, else kept idle), closed otherwise.
   */
  void release(UpstreamConnection c, boolean reusable) {
    if (!reusable || closed || !c.usable()) {
      c.channel.close();
      return;
    }
    c.resume(); // a response that ended while its client was slow left reading off
    Host h = c.host;
    Waiting w = h.waiting.poll();
    if (w != null) {
      w.waiter.connected(c);
      return;
    }
    c.idleSince = nanoClock.getAsLong();
    h.idle.addLast(c);
  }

  /** A connection closed (or never opened): its place goes to a waiting request. */
  void closed(UpstreamConnection c) {
    if (!all.remove(c)) {
      return;
    }
    Host h = c.host;
    h.open--;
    if (!closed && h.open < maxOpen) {
      Waiting w = h.waiting.poll();
      if (w != null) {
        connect(h, w.waiter);
      }
    }
  }

  /**
   * Called by the event loop's sweep: closes idle connections past the keep-alive timeout (and
   * renews them through a lull, see the class comment), fails
   * waiters past the connect timeout and forgets replicas with nothing open or waiting.
   */
  void sweep(long now) {
    List<Waiter> late = null;
    for (Iterator<Host> it = hosts.values().iterator(); it.hasNext(); ) {
      Host h = it.next();
      int expired = 0;
      for (UpstreamConnection c; (c = h.idle.peekFirst()) != null
          && (!c.usable() || now - c.idleSince >= keepAliveNanos); ) {
        h.idle.pollFirst();
        if (c.usable()) {
          expired++; // still counted in open until its close is told (channelInactive)
        }
        c.channel.close();
      }
      if (expired > 0) {
        renew(h, expired, now);
      }
      for (Waiting w; (w = h.waiting.peekFirst()) != null && now - w.due >= 0; ) {
        h.waiting.pollFirst();
        if (late == null) {
          late = new ArrayList<>();
        }
        late.add(w.waiter);
      }
      if (h.open == 0 && h.waiting.isEmpty()) {
        it.remove();
      }
    }
    if (late != null) {
      late.forEach(w -> w.connectFailed(Reason.CONNECT_TIMEOUT));
    }
  }

  /**
   * Opens new connections in place of {@code expired} ones if a lull is on (no request for a
   * keep-alive period: under traffic, an expiring connection is one it no longer needs) and began
   * less than a minute ago, as far as this loop's share of warm_connections allows.
   */
  private void renew(Host h, int expired, long now) {
    long quiet = now - h.lastUsed;
    if (warm == 0 || closed || quiet < keepAliveNanos || quiet >= WARM_WINDOW_NANOS
        || !wanted.test(h.replica)) {
      return;
    }
    // the expired ones are still counted in open until their close is told (channelInactive):
    // the cap may be passed by them for that moment
    int others = h.open - expired; // lent, or idle and still fresh
    int n = Math.min(expired, Math.min(warm, maxOpen) - others);
    for (int i = 0; i < n; i++) {
      connect(h, renewal);
    }
  }

  /** Open connections to a replica on this event loop (idle or lent). */
  int open(Replica replica) {
    Host h = hosts.get(replica);
    return h == null ? 0 : h.open;
  }

  /** Closes every connection and fails every waiter; for the router's stop. */
  void close() {
    closed = true;
    List<Waiter> waiters = new ArrayList<>();
    for (Host h : hosts.values()) {
      h.waiting.forEach(w -> waiters.add(w.waiter));
      h.waiting.clear();
      h.idle.clear();
    }
    for (UpstreamConnection c : new ArrayList<>(all)) {
      c.channel.close();
    }
    waiters.forEach(w -> w.connectFailed(Reason.CONNECT_FAILED));
  }

  private static String unbracketed(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1)
        : host;
  }

  static Reason classify(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof ConnectTimeoutException || c instanceof TimeoutException
          || c instanceof SocketTimeoutException || c instanceof SslHandshakeTimeoutException) {
        return Reason.CONNECT_TIMEOUT;
      }
    }
    return Reason.CONNECT_FAILED;
  }
}
