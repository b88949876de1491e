package io.fleetlb.lb.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** API keys for tests: the {@code key_sha256} a configuration needs for a token. */
public final class Keys {
  private Keys() {}

  /** The SHA-256 of the token, in hex. */
  public static String sha256(String token) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A flow-YAML key entry, e.g. {@code { id: a, key_sha256: "...", requests_per_minute: 3 }}. */
  public static String entry(String id, String token, String extra) {
    return "{ id: " + id + ", key_sha256: \"" + sha256(token) + "\"" + extra + " }";
  }
}
