package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.config.UpstreamConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One upstream connection on an embedded channel: what its request hears, and the state it goes
 * back to its pool in.
 */
class UpstreamConnectionTest {
  private final EmbeddedChannel channel = new EmbeddedChannel();
  private final UpstreamPool pool = new UpstreamPool(channel.eventLoop(), null, null,
      UpstreamConfig.DEFAULT, 4, 0, System::nanoTime, () -> 1000, r -> true);
  private final UpstreamPool.Host host = new UpstreamPool.Host(null);
  private final UpstreamConnection conn = new UpstreamConnection(pool, host);
  private final Heard heard = new Heard();

  /** What the request was told. */
  private static final class Heard implements UpstreamConnection.Listener {
    final List<String> events = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    int readsDone;

    @Override
    public void head(HttpResponse head) {
      events.add("head " + head.status().code());
    }

    @Override
    public void content(ByteBuf chunk) {
      body.append(chunk.toString(StandardCharsets.UTF_8));
    }

    @Override
    public void readComplete() {
      readsDone++;
    }

    @Override
    public void end() {
      events.add("end");
    }

    @Override
    public void broken(Throwable cause) {
      events.add("broken " + cause.getClass().getSimpleName());
    }
  }

  UpstreamConnectionTest() {
    channel.pipeline().addLast(new HttpClientCodec(), conn);
    conn.channel = channel;
  }

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
  }

  private void sendRequest() {
    conn.send(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/completions",
        Unpooled.copiedBuffer("{}", StandardCharsets.UTF_8)), heard);
    Object written = channel.readOutbound();
    assertThat(written).isNotNull();
    ReferenceCountUtil.release(written);
  }

  private void answer(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.US_ASCII));
  }

  @Test
  void aResponseThatEndsWhileReadingIsOffGoesBackToItsPoolReading() {
    sendRequest();
    conn.pause(); // the client was slow
    answer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    assertThat(heard.events).containsExactly("head 200", "end");
    assertThat(heard.body).hasToString("ok");
    assertThat(host.idle).containsExactly(conn);
    assertThat(channel.config().isAutoRead())
        .as("the next request's answer must be read").isTrue();
  }

  @Test
  void eachReadsEndIsToldUntilTheResponseEnded() {
    sendRequest();
    answer("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nab");
    assertThat(heard.readsDone).as("part of the body came in this read").isEqualTo(1);
    answer("cd");
    assertThat(heard.events).containsExactly("head 200", "end");
    assertThat(heard.body).hasToString("abcd");
    assertThat(heard.readsDone).as("an ended request, its connection back idle, hears no more")
        .isEqualTo(1);
  }

  @Test
  void aConnectionTheReplicaWantsClosedIsNotKept() {
    sendRequest();
    answer("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
    assertThat(heard.events).containsExactly("head 200", "end");
    assertThat(host.idle).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aReadErrorInABodyWithoutALengthIsABreakNotAnEnd() {
    sendRequest();
    answer("HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\npart");
    channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
    assertThat(heard.events).containsExactly("head 200", "broken IOException");
    assertThat(heard.body).hasToString("part");
    assertThat(host.idle).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void anInterimResponseIsSkippedAndAResetRequestHearsNothingMore() {
    sendRequest();
    answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nab");
    assertThat(heard.events).containsExactly("head 200");
    conn.reset(); // the rest of the answer is cut off: the closing decoder reports it, to nobody
    assertThat(channel.isOpen()).isFalse();
    assertThat(heard.events).containsExactly("head 200");
    assertThat(heard.body).hasToString("ab");
    assertThat(host.idle).isEmpty();
  }
}
