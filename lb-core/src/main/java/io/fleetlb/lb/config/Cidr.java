package io.fleetlb.lb.config;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * An IP address block written as {@code 10.0.0.0/8}, {@code fd00::/8} or a single address,
 * matched with Netty's subnet rule. Only literal addresses are accepted: a host name would need a
 * DNS lookup, and the request path does no I/O.
 */
public final class Cidr {
  private final IpSubnetFilterRule rule;

  private Cidr(IpSubnetFilterRule rule) {
    this.rule = rule;
  }

  /** Parses a block; throws {@link IllegalArgumentException} when it is not one. */
  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String address = slash < 0 ? t : t.substring(0, slash);
    if (!NetUtil.isValidIpV4Address(address) && !NetUtil.isValidIpV6Address(address)) {
      throw new IllegalArgumentException("not an IP address: " + text);
    }
    int max = NetUtil.isValidIpV4Address(address) ? 32 : 128;
    int prefix;
    try {
      prefix = slash < 0 ? max : Integer.parseInt(t.substring(slash + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a prefix length: " + text);
    }
    if (prefix < 0 || prefix > max) {
      throw new IllegalArgumentException("prefix length out of range: " + text);
    }
    return new Cidr(new IpSubnetFilterRule(address, prefix, IpFilterRuleType.ACCEPT));
  }

  /** Whether the text is a valid block. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Parses every block of a validated list. */
  public static List<Cidr> parseAll(List<String> blocks) {
    return blocks.stream().map(Cidr::parse).toList();
  }

  /** Whether the address lies in this block. */
  public boolean contains(InetSocketAddress address) {
    return address != null && !address.isUnresolved() && rule.matches(address);
  }
}
