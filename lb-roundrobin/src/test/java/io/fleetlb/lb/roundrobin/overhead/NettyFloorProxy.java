package io.fleetlb.lb.roundrobin.overhead;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * A reference point for the router overhead benchmark, not a product: the least an HTTP/1.1
 * round-robin reverse proxy written on Netty does (epoll, two event loops, each with its own LIFO
 * keep-alive cache per upstream, never expired; messages passed through from codec to codec; no routing by
 * model, header filtering, timeouts, failover, admission, metrics, access log or error answers).
 * What it reaches against nginx on a machine is the most a Java proxy on Netty can expect there;
 * {@link VertxFloorProxy} is the same on Vert.x's HTTP server and client.
 * Usage: {@code NettyFloorProxy LISTEN_PORT UPSTREAM_PORT...} (all on 127.0.0.1).
 */
public final class NettyFloorProxy {
  private static int[] upstreams;
  /** Per event loop: the idle upstream connections of each upstream, and the round-robin turn. */
  private static final ThreadLocal<Loop> LOOP = ThreadLocal.withInitial(Loop::new);

  private NettyFloorProxy() {}

  private static final class Loop {
    @SuppressWarnings("unchecked")
    final ArrayDeque<Channel>[] idle = new ArrayDeque[upstreams.length];
    int turn;

    Loop() {
      for (int i = 0; i < idle.length; i++) {
        idle[i] = new ArrayDeque<>();
      }
    }
  }

  static final boolean URING = Boolean.getBoolean("floor.uring");

  public static void main(String[] args) throws InterruptedException {
    int port = Integer.parseInt(args[0]);
    upstreams = FloorProxies.upstreams(args);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, URING
        ? IoUringIoHandler.newFactory() : EpollIoHandler.newFactory());
    new ServerBootstrap().group(group).channel(URING
        ? IoUringServerSocketChannel.class : EpollServerSocketChannel.class)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new Front());
          }
        }).bind("127.0.0.1", port).sync();
    System.out.println("NettyFloorProxy listening on " + port);
  }

  /** A client connection: each request goes to the next upstream, on a cached connection. */
  private static final class Front extends ChannelInboundHandlerAdapter {
    private final ArrayDeque<Object> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private Channel back;
    private boolean connecting;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        back = null; // the previous request's connection is back in the cache
        Loop loop = LOOP.get();
        int upstream = loop.turn++ % upstreams.length;
        Channel c;
        do {
          c = loop.idle[upstream].pollLast();
        } while (c != null && !c.isActive());
        if (c != null) {
          back = c;
          ((Back) c.pipeline().last()).front = this;
        } else {
          connect(ctx, upstream);
        }
      }
      if (connecting) {
        pending.add(msg);
      } else if (back == null) {
        ReferenceCountUtil.release(msg); // the connection to the upstream failed: closing
      } else if (msg instanceof LastHttpContent) {
        back.writeAndFlush(msg);
      } else {
        back.write(msg);
      }
    }

    private void connect(ChannelHandlerContext ctx, int upstream) {
      connecting = true;
      Back handler = new Back(this, upstream);
      new Bootstrap().group(ctx.channel().eventLoop()).channel(URING
          ? IoUringSocketChannel.class : EpollSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              ch.pipeline().addLast(new HttpClientCodec(), handler);
            }
          })
          .connect("127.0.0.1", upstreams[upstream])
          .addListener((ChannelFutureListener) f -> {
            connecting = false;
            if (!f.isSuccess()) {
              ctx.close();
              return;
            }
            back = f.channel();
            for (Object m; (m = pending.poll()) != null; ) {
              back.write(m);
            }
            back.flush();
          });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      for (Object m; (m = pending.poll()) != null; ) {
        ReferenceCountUtil.release(m);
      }
    }
  }

  /** An upstream connection: the answer goes to the client; at its end the connection is idle. */
  private static final class Back extends ChannelInboundHandlerAdapter {
    private final int upstream;
    private Front front;

    Back(Front front, int upstream) {
      this.front = front;
      this.upstream = upstream;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof LastHttpContent) {
        Front f = front;
        front = null;
        f.ctx.writeAndFlush(msg);
        LOOP.get().idle[upstream].addLast(ctx.channel());
      } else {
        front.ctx.write(msg);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (front != null) {
        front.ctx.close(); // closed in the middle of an answer: the client must not wait for it
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
