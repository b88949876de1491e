package io.fleetlb.lb.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection to a replica, on Netty's codec, owned by an {@link UpstreamPool} and
 * lent to one request at a time. It hands the response to its {@link Listener} as it is decoded
 * (head, body chunks, end) and goes back to its pool's idle cache when the response ended and
 * both sides said keep-alive; any other end closes it. Everything runs on the pool's event loop.
 */
final class UpstreamConnection extends ChannelInboundHandlerAdapter {
  /** What a request using the connection is told; none of it is called after {@link #reset}. */
  interface Listener {
    /** The response head (status and headers). */
    void head(HttpResponse head);

    /** A body chunk; valid only during the call (copy what is kept). */
    void content(ByteBuf chunk);

    /**
     * Netty's read loop is done with what the socket had: nothing more of the response arrives
     * in this event-loop turn (what was held back to be written in one piece can go now).
     */
    void readComplete();

    /** The response ended; the connection is back with its pool already. */
    void end();

    /** The connection failed or closed before the response ended. */
    void broken(Throwable cause);
  }

  private static final Logger LOG = LoggerFactory.getLogger(UpstreamConnection.class);
  private final UpstreamPool pool;
  final UpstreamPool.Host host;
  Channel channel;
  /** When it became idle (nanoClock), while in its pool's idle cache. */
  long idleSince;
  private Listener user;
  private boolean keepAlive;
  private boolean requestWritten;
  /** An interim (1xx) response is being skipped. */
  private boolean interim;

  UpstreamConnection(UpstreamPool pool, UpstreamPool.Host host) {
    this.pool = pool;
    this.host = host;
  }

  /**
   * Sends a whole request (head and body in one message) and reports its response to
   * {@code listener}.
   */
  void send(HttpRequest request, Listener listener) {
    user = listener;
    resume();
    keepAlive = HttpUtil.isKeepAlive(request);
    requestWritten = false;
    channel.writeAndFlush(request).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        requestWritten = true;
      } else if (f.channel().isActive()) {
        f.channel().close(); // the listener hears of it from channelInactive
      }
    });
  }

  /** Stops reading the response (the client is slower than the replica). */
  void pause() {
    channel.config().setAutoRead(false);
  }

  /** Reads the response again. */
  void resume() {
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  /**
   * Abandons the request: the connection is closed (over HTTP/1.1, the only way to tell a replica
   * to stop generating) and its listener hears nothing more.
   */
  void reset() {
    user = null;
    channel.close();
  }

  /** Whether the connection can take a request. */
  boolean usable() {
    return channel.isActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (((HttpObject) msg).decoderResult().isFailure()) {
        Listener u = user;
        user = null;
        ctx.close();
        if (u != null) {
          u.broken(((HttpObject) msg).decoderResult().cause());
        }
        return;
      }
      if (msg instanceof HttpResponse head) {
        int code = head.status().code();
        interim = code >= 100 && code < 200;
        if (!interim) {
          keepAlive &= HttpUtil.isKeepAlive(head);
          if (user != null) {
            user.head(head);
          }
        }
      }
      if (msg instanceof HttpContent content) {
        boolean last = msg instanceof LastHttpContent;
        if (interim) {
          interim = !last;
          return;
        }
        ByteBuf b = content.content();
        if (b.isReadable() && user != null) {
          user.content(b);
        }
        if (last) {
          Listener u = user;
          user = null;
          if (u == null) {
            return; // reset meanwhile: the connection is closing
          }
          pool.release(this, keepAlive && requestWritten && channel.isActive());
          try {
            u.end();
          } catch (RuntimeException e) {
            // not this connection's fault, and it may be lent to another request already
            LOG.error("ending a relayed response failed", e);
          }
        }
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    Listener u = user;
    if (u != null) {
      u.readComplete();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    Listener u = user;
    user = null;
    pool.closed(this);
    if (u != null) {
      u.broken(new ClosedChannelException());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or a read error. Told here, not by channelInactive: on the close, the decoder ends
    // a body without a length as if complete, which would pass a cut answer for a whole one.
    Listener u = user;
    user = null;
    ctx.close();
    if (u != null) {
      u.broken(cause);
    }
  }
}
