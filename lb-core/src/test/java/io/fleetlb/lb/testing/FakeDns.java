package io.fleetlb.lb.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A DNS server on 127.0.0.1 for discovery tests, built on Netty's DNS codec: it answers A and AAAA
 * questions from a table the test changes, NXDOMAIN for names not in it, and SERVFAIL for names
 * marked failing.
 */
public final class FakeDns implements AutoCloseable {
  private final Map<String, List<String>> records = new ConcurrentHashMap<>();
  private final Map<String, Boolean> failing = new ConcurrentHashMap<>();
  private final AtomicInteger queries = new AtomicInteger();
  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1,
      NioIoHandler.newFactory());
  private final Channel channel;

  /** Starts the server on a free UDP port. */
  public FakeDns() {
    try {
      channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
          .handler(new ChannelInitializer<DatagramChannel>() {
            @Override
            protected void initChannel(DatagramChannel ch) {
              ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                  new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                      ctx.writeAndFlush(answer(q));
                    }
                  });
            }
          }).bind("127.0.0.1", 0).sync().channel();
    } catch (InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  private DatagramDnsResponse answer(DatagramDnsQuery q) {
    queries.incrementAndGet();
    DnsQuestion question = q.recordAt(DnsSection.QUESTION);
    String name = question.name().endsWith(".") ? question.name()
        .substring(0, question.name().length() - 1) : question.name();
    DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
    r.setRecursionDesired(q.isRecursionDesired()).setRecursionAvailable(true);
    r.addRecord(DnsSection.QUESTION, question);
    if (failing.getOrDefault(name, false)) {
      return r.setCode(DnsResponseCode.SERVFAIL);
    }
    List<String> addresses = records.get(name);
    if (addresses == null) {
      return r.setCode(DnsResponseCode.NXDOMAIN);
    }
    for (String a : addresses) {
      byte[] raw;
      try {
        raw = InetAddress.getByName(a).getAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException(a);
      }
      boolean v6 = raw.length == 16;
      if ((v6 && question.type() == DnsRecordType.AAAA)
          || (!v6 && question.type() == DnsRecordType.A)) {
        r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(),
            5, Unpooled.wrappedBuffer(raw)));
      }
    }
    return r;
  }

  /** Sets the addresses a name resolves to (an empty list: the name exists, no address). */
  public FakeDns set(String name, String... addresses) {
    failing.remove(name);
    records.put(name, List.of(addresses));
    return this;
  }

  /** Makes the name not exist (NXDOMAIN). */
  public FakeDns remove(String name) {
    records.remove(name);
    return this;
  }

  /** Makes lookups of the name fail (SERVFAIL). */
  public FakeDns fail(String name) {
    failing.put(name, true);
    return this;
  }

  /** Questions answered so far. */
  public int queries() {
    return queries.get();
  }

  /** {@code 127.0.0.1:<port>}, for {@code discovery.dns_server}. */
  public String address() {
    return "127.0.0.1:" + ((InetSocketAddress) channel.localAddress()).getPort();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
  }
}
