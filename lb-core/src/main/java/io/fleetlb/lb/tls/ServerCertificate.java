package io.fleetlb.lb.tls;

import io.fleetlb.lb.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public listener's certificate and key, read from {@code tls.cert} and {@code tls.key}. A
 * pair is used only once it parses and the key belongs to the certificate (checked by signing and
 * verifying), so a half-written renewal or a mismatched pair never replaces a working one.
 * {@link #reloadIfChanged} re-reads the files and returns the new pair when their content changed.
 */
public final class ServerCertificate {
  private static final Logger LOG = LoggerFactory.getLogger(ServerCertificate.class);

  private final TlsConfig config;
  private final Vertx vertx;
  private volatile PemKeyCertOptions current;
  private volatile long notAfterEpochSeconds;
  private byte[] digest;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();

  private ServerCertificate(TlsConfig config, Vertx vertx) {
    this.config = config;
    this.vertx = vertx;
  }

  /**
   * Reads and checks the pair.
   *
   * @throws IllegalStateException with a one-line message naming the file when it is unusable
   */
  public static ServerCertificate load(TlsConfig config, Vertx vertx) {
    ServerCertificate c = new ServerCertificate(config, vertx);
    Loaded l = c.read();
    c.current = l.options;
    c.notAfterEpochSeconds = l.notAfter;
    c.digest = l.digest;
    return c;
  }

  /** The pair in use. */
  public PemKeyCertOptions options() {
    return current;
  }

  /** When the certificate in use expires, in seconds since the epoch. */
  public long notAfterEpochSeconds() {
    return notAfterEpochSeconds;
  }

  /** Changed pairs applied since start. */
  public long reloadsApplied() {
    return applied.get();
  }

  /** Changed pairs refused (unreadable, invalid, or a key of another certificate). */
  public long reloadsRefused() {
    return refused.get();
  }

  /**
   * Re-reads the files; returns the new pair when their content changed and is valid, null when
   * nothing changed or the new content is unusable (then logged once, the old pair kept).
   */
  public synchronized PemKeyCertOptions reloadIfChanged() {
    byte[] cert;
    byte[] key;
    try {
      cert = Files.readAllBytes(Path.of(config.cert()));
      key = Files.readAllBytes(Path.of(config.key()));
    } catch (IOException e) {
      return null;
    }
    byte[] d = digest(cert, key);
    if (Arrays.equals(d, digest)) {
      return null;
    }
    digest = d;
    try {
      Loaded l = check(cert, key, d);
      current = l.options;
      notAfterEpochSeconds = l.notAfter;
      applied.incrementAndGet();
      LOG.info("TLS certificate {} reloaded (valid until {})", config.cert(),
          java.time.Instant.ofEpochSecond(l.notAfter));
      return l.options;
    } catch (IllegalStateException e) {
      refused.incrementAndGet();
      LOG.error("TLS certificate not reloaded, keeping the one in use: {}", e.getMessage());
      return null;
    }
  }

  private record Loaded(PemKeyCertOptions options, long notAfter, byte[] digest) {}

  private Loaded read() {
    byte[] cert;
    byte[] key;
    try {
      cert = Files.readAllBytes(Path.of(config.cert()));
    } catch (IOException e) {
      throw new IllegalStateException("tls.cert: cannot read " + config.cert() + ": "
          + e.getMessage());
    }
    try {
      key = Files.readAllBytes(Path.of(config.key()));
    } catch (IOException e) {
      throw new IllegalStateException("tls.key: cannot read " + config.key() + ": "
          + e.getMessage());
    }
    return check(cert, key, digest(cert, key));
  }

  private Loaded check(byte[] cert, byte[] key, byte[] d) {
    PemKeyCertOptions options = new PemKeyCertOptions().setCertValue(Buffer.buffer(cert))
        .setKeyValue(Buffer.buffer(key));
    KeyStore store;
    X509KeyManager keys;
    try {
      store = options.loadKeyStore(vertx);
      keys = (X509KeyManager) options.getKeyManagerFactory(vertx).getKeyManagers()[0];
    } catch (Exception e) {
      throw new IllegalStateException("tls: " + config.cert() + " and " + config.key()
          + " are not a PEM certificate chain and private key (" + message(e) + ")");
    }
    try {
      String alias = Collections.list(store.aliases()).get(0);
      PrivateKey privateKey = keys.getPrivateKey(alias);
      X509Certificate leaf = keys.getCertificateChain(alias)[0];
      if (!matches(privateKey, leaf)) {
        throw new IllegalStateException("tls.key: " + config.key() + " is not the key of the"
            + " certificate in " + config.cert());
      }
      return new Loaded(options, leaf.getNotAfter().toInstant().getEpochSecond(), d);
    } catch (GeneralSecurityException | RuntimeException e) {
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException("tls: cannot use " + config.cert() + ": " + message(e));
    }
  }

  /** Whether the key signs what the certificate's public key verifies. */
  private static boolean matches(PrivateKey key, X509Certificate cert)
      throws GeneralSecurityException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "EdDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return cert.getPublicKey().getAlgorithm().equals(key.getAlgorithm());
    }
    byte[] probe = "fleetlb certificate check".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Signature sign = Signature.getInstance(algorithm);
    sign.initSign(key);
    sign.update(probe);
    byte[] signature = sign.sign();
    Signature verify = Signature.getInstance(algorithm);
    verify.initVerify(cert.getPublicKey());
    verify.update(probe);
    return verify.verify(signature);
  }

  private static byte[] digest(byte[] cert, byte[] key) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(cert);
      md.update((byte) 0);
      md.update(key);
      return md.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
