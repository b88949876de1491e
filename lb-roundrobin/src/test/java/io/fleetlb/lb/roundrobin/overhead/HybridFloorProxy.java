package io.fleetlb.lb.roundrobin.overhead;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A reference point for the router overhead benchmark, not a product: {@link VertxFloorProxy}'s
 * Vert.x HTTP server with the upstream side on Netty's codec instead of Vert.x's HTTP client (a
 * LIFO keep-alive cache per event loop and upstream, the connections on the server connection's
 * own event loop, the answer aggregated and copied to the heap as Vert.x's client does). Against
 * the two others it splits Vert.x's cost between its server and its client, which is how the
 * router's {@code UpstreamPool} was chosen. Usage: {@code HybridFloorProxy LISTEN_PORT
 * UPSTREAM_PORT...}.
 */
public final class HybridFloorProxy extends VerticleBase {
  private final int port;
  private final int[] upstreams;
  private ArrayDeque<Channel>[] idle;
  private int turn;
  private io.netty.channel.EventLoop loop;

  private HybridFloorProxy(int port, int[] upstreams) {
    this.port = port;
    this.upstreams = upstreams;
  }

  public static void main(String[] args) {
    FloorProxies.deploy("HybridFloorProxy", args, HybridFloorProxy::new);
  }

  @Override
  @SuppressWarnings("unchecked")
  public Future<?> start() {
    loop = ((ContextInternal) context).nettyEventLoop();
    idle = new ArrayDeque[upstreams.length];
    for (int i = 0; i < idle.length; i++) {
      idle[i] = new ArrayDeque<>();
    }
    return vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true)
            .setStrictThreadMode(true))
        .requestHandler(this::proxy)
        .listen(port, "127.0.0.1");
  }

  private static final class Back extends SimpleChannelInboundHandler<FullHttpResponse> {
    Consumer<FullHttpResponse> onResponse;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      Consumer<FullHttpResponse> c = onResponse;
      onResponse = null;
      c.accept(msg);
    }
  }

  private void proxy(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      int u = turn++ % upstreams.length;
      Channel c;
      do {
        c = idle[u].pollLast();
      } while (c != null && !c.isActive());
      if (c != null) {
        send(c, u, req, body);
        return;
      }
      new Bootstrap().group(loop).channel(EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 20),
                  new Back());
            }
          })
          .connect("127.0.0.1", upstreams[u])
          .addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
              req.response().setStatusCode(502).end();
            } else {
              send(f.channel(), u, req, body);
            }
          });
    });
  }

  private void send(Channel c, int u, HttpServerRequest req, io.vertx.core.buffer.Buffer body) {
    DefaultFullHttpRequest out = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1,
        HttpMethod.valueOf(req.method().name()), req.uri(),
        ((BufferInternal) body).getByteBuf().retainedDuplicate());
    for (Map.Entry<String, String> h : req.headers()) {
      out.headers().add(h.getKey(), h.getValue());
    }
    ((Back) c.pipeline().last()).onResponse = resp -> {
      idle[u].addLast(c);
      var r = req.response().setStatusCode(resp.status().code());
      for (Map.Entry<String, String> h : resp.headers()) {
        r.headers().add(h.getKey(), h.getValue());
      }
      r.end(io.vertx.core.buffer.Buffer.buffer(ByteBufUtil.getBytes(resp.content())));
    };
    c.writeAndFlush(out);
  }
}
