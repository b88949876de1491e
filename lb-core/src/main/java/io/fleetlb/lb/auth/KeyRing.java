package io.fleetlb.lb.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * An immutable set of client keys. A presented token is hashed with SHA-256 and compared with
 * every key's hash with {@link MessageDigest#isEqual} (constant time), without stopping at a
 * match, so the time taken says nothing about which stored hash is close to the token's.
 */
public final class KeyRing {
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  });

  private final List<ApiKey> keys;

  KeyRing(List<ApiKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /** The keys, in configuration order (inline keys first). */
  public List<ApiKey> keys() {
    return keys;
  }

  /** The key with this id, or null. */
  ApiKey byId(String id) {
    for (ApiKey k : keys) {
      if (k.id().equals(id)) {
        return k;
      }
    }
    return null;
  }

  /** The key whose hash matches the token's, or null. */
  public ApiKey find(String token) {
    MessageDigest md = SHA256.get();
    md.reset();
    byte[] digest = md.digest(token.getBytes(StandardCharsets.UTF_8));
    ApiKey found = null;
    for (ApiKey k : keys) {
      if (MessageDigest.isEqual(k.digest(), digest) && found == null) {
        found = k;
      }
    }
    return found;
  }
}
