package io.fleetlb.lb.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made in-process: a certificate authority and server certificates
 * for {@code localhost} / {@code 127.0.0.1} it signs, written as PEM files.
 */
public final class TestCerts {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate authority. */
  public record Authority(KeyPair keys, X509Certificate cert, Path pem) {}

  /** A server certificate and key written to files, with the authority that signed it. */
  public record Server(Path cert, Path key, X509Certificate leaf, Authority ca) {}

  private TestCerts() {}

  /** A new authority named {@code name}, its certificate written to {@code dir/name-ca.pem}. */
  public static Authority authority(Path dir, String name) {
    try {
      KeyPair keys = ecKeys();
      X500Name subject = new X500Name("CN=" + name + " test CA");
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(30))),
          subject, keys.getPublic())
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      X509Certificate cert = sign(b, keys);
      Path pem = dir.resolve(name + "-ca.pem");
      Files.writeString(pem, pem(cert));
      return new Authority(keys, cert, pem);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server certificate for localhost signed by {@code ca}, written to {@code dir/name.*}. */
  public static Server server(Path dir, String name, Authority ca) {
    try {
      KeyPair keys = ecKeys();
      Instant now = Instant.now();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
          new X500Name(ca.cert().getSubjectX500Principal().getName()), serial(),
          Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(7))),
          new X500Name("CN=" + name), keys.getPublic())
          .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
              new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"),
                  new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
      X509Certificate leaf = sign(b, ca.keys());
      Path cert = dir.resolve(name + "-cert.pem");
      Path key = dir.resolve(name + "-key.pem");
      Files.writeString(cert, pem(leaf));
      Files.writeString(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)));
      return new Server(cert, key, leaf, ca);
    } catch (GeneralSecurityException | IOException | RuntimeException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An SSL context that trusts only this authority (a client of a server it signed). */
  public static SSLContext trusting(Authority ca) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("ca", ca.cert());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static BigInteger serial() {
    return BigInteger.valueOf(SERIAL.incrementAndGet());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static String pem(Object o) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(o);
    }
    return out.toString();
  }
}
