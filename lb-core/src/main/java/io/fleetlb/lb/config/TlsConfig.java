package io.fleetlb.lb.config;

/**
 * TLS on the public listener ({@code tls:}). The files are re-read when they change (a renewed
 * certificate takes effect without a restart; a broken one is refused and the old one kept).
 * Relative paths are resolved against the configuration file's folder.
 *
 * @param cert the certificate chain, PEM (the server certificate first)
 * @param key its private key, PEM (PKCS#8, or PKCS#1 RSA)
 * @param h2 also offer HTTP/2 through ALPN, default true (clients that do not ask for it get
 *     HTTP/1.1)
 */
public record TlsConfig(String cert, String key, Boolean h2) implements Validated {
  /** Fills in defaults for absent values. */
  public TlsConfig {
    h2 = h2 == null ? Boolean.TRUE : h2;
  }

  @Override
  public void validate(Validation at) {
    at.check(cert != null && !cert.isBlank(), "cert", cert, "is required (a PEM file)");
    at.check(key != null && !key.isBlank(), "key", key, "is required (a PEM file)");
  }
}
