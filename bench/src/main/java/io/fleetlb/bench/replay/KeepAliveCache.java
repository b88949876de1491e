package io.fleetlb.bench.replay;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientConnection;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpConnectOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Idle keep-alive connections kept per event loop and reused last-in first-out, so taking one costs
 * O(1) however many are open (Vert.x's shared pool scans every connection per request, which at
 * thousands of requests per second and hundreds of connections became the bench's bottleneck). A
 * new connection is opened whenever none is idle: open-loop traffic is never capped. Connections
 * idle longer than the keep-alive window are closed rather than reused, because servers close them
 * first (uvicorn, in front of vLLM, after 5 s) and a request sent on a connection the server is
 * closing would fail for the client's sake, not the server's. Each deque is touched only from its
 * own event loop, so there is no locking.
 */
final class KeepAliveCache implements Connections {
  private final HttpClientAgent client;
  private final HttpConnectOptions connect;
  private final long keepAliveNs;
  private final ArrayDeque<Pooled>[] idle;
  private final AtomicLong opened = new AtomicLong();

  /**
   * Per event loop, at index {@code loop * PAD}: takes of an idle connection left before the next
   * one is retired as if stale (closed, and the request takes another or a new one): every
   * {@code n}th take during a warm-up; {@link Integer#MAX_VALUE} outside one (once per 2^31 takes,
   * harmless), so the same branch serves both and the JIT's profile of it does not change when
   * the warm-up ends. Padded so that two loops' counters do not share a cache line.
   */
  private final int[] reusesLeft;

  private static final int PAD = 16;

  private volatile int retireEvery = Integer.MAX_VALUE;

  /** One connection and the event loop it belongs to. */
  static final class Pooled {
    final HttpClientConnection conn;
    final int loop;
    volatile boolean closed;
    long idleSinceNs;

    Pooled(HttpClientConnection conn, int loop) {
      this.conn = conn;
      this.loop = loop;
    }
  }

  @SuppressWarnings("unchecked")
  KeepAliveCache(
      HttpClientAgent client, String host, int port, boolean ssl, int loops, long keepAliveNs) {
    this.client = client;
    this.connect =
        new HttpConnectOptions().setHost(host).setPort(port).setSsl(ssl).setConnectTimeout(10_000);
    this.keepAliveNs = keepAliveNs;
    this.idle = new ArrayDeque[loops];
    this.reusesLeft = new int[loops * PAD];
    Arrays.fill(reusesLeft, Integer.MAX_VALUE);
    for (int i = 0; i < loops; i++) {
      idle[i] = new ArrayDeque<>();
    }
  }

  @Override
  public Future<HttpClientRequest> request(RequestTracker t, RequestOptions options) {
    ArrayDeque<Pooled> q = idle[t.contextIndex];
    int left = t.contextIndex * PAD;
    long now = System.nanoTime();
    for (Pooled p = q.pollLast(); p != null; p = q.pollLast()) {
      if (!p.closed && now - p.idleSinceNs < keepAliveNs && --reusesLeft[left] > 0) {
        t.connection = p;
        return p.conn.request(options);
      }
      if (reusesLeft[left] <= 0) {
        reusesLeft[left] = retireEvery;
      }
      p.conn.close(); // stale, closed by the server, or retired by a warm-up
    }
    return client
        .connect(connect)
        .compose(
            c -> {
              opened.incrementAndGet();
              Pooled p = new Pooled(c, t.contextIndex);
              c.closeHandler(v -> p.closed = true);
              t.connection = p;
              t.newConnection = true;
              return c.request(options);
            });
  }

  @Override
  public void release(RequestTracker t, boolean reusable) {
    Pooled p = t.connection;
    if (p == null) {
      return;
    }
    t.connection = null;
    if (reusable && !p.closed && p.conn.activeStreams() == 0) {
      p.idleSinceNs = System.nanoTime();
      idle[p.loop].addLast(p);
    } else {
      p.conn.close();
    }
  }

  @Override
  public void retireEvery(int n) {
    // called between runs, while the loops are idle; the next run's start publishes it to them
    retireEvery = n > 0 ? n : Integer.MAX_VALUE;
    Arrays.fill(reusesLeft, retireEvery);
  }

  @Override
  public long opened() {
    return opened.get();
  }

  @Override
  public void close() {
    // idle connections close with the client that opened them
  }
}
