package io.fleetlb.lb.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fleetlb.lb.Router;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.testing.CapturingAccessLog;
import io.fleetlb.lb.testing.ProxyTestBase;
import io.fleetlb.lb.testing.RouterHarness;
import io.fleetlb.lb.testing.ScriptedUpstream;
import io.fleetlb.lb.testing.Scripts;
import io.fleetlb.lb.testing.TestCerts;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the public listener (HTTP/1.1 and HTTP/2 by ALPN, a renewed certificate used without a
 * restart, a broken renewal refused) and to {@code https://} replicas.
 */
class TlsTest extends ProxyTestBase {
  @TempDir
  Path dir;

  /** The serial of the certificate a new TLS connection to the port is given. */
  private static BigInteger servedSerial(int port) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    }}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }

  private RouterHarness.Builder tlsRouter(TestCerts.Server cert, ScriptedUpstream up) {
    return RouterHarness.builder().replica("r", up)
        .section("tls", "{ cert: \"" + cert.cert() + "\", key: \"" + cert.key() + "\" }");
  }

  @Test
  void servesHttp1AndHttp2OverTls() throws Exception {
    TestCerts.Server cert = TestCerts.server(dir, "router", TestCerts.authority(dir, "one"));
    ScriptedUpstream up = upstream("m", Scripts.ok());
    start(tlsRouter(cert, up));
    URI https = URI.create("https://localhost:" + h.router().port() + "/v1/completions");
    for (HttpClient.Version v : HttpClient.Version.values()) {
      HttpClient client = HttpClient.newBuilder().sslContext(TestCerts.trusting(cert.ca()))
          .version(v).build();
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(https)
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.version()).as("negotiated by ALPN").isEqualTo(v);
      assertThat(r.headers().firstValue("x-lb-replica")).hasValue("r");
    }
    assertThat(up.awaitCall(0).headers.get("x-forwarded-proto")).isEqualTo("https");
    assertThat(h.metric("lb_tls_certificate_expiry_timestamp_seconds"))
        .isEqualTo(cert.leaf().getNotAfter().toInstant().getEpochSecond());
  }

  @Test
  void aRenewedCertificateIsUsedWithoutARestartAndABrokenOneIsRefused() throws Exception {
    TestCerts.Authority ca = TestCerts.authority(dir, "one");
    TestCerts.Server first = TestCerts.server(dir, "first", ca);
    Path cert = dir.resolve("live-cert.pem");
    Path key = dir.resolve("live-key.pem");
    Files.copy(first.cert(), cert);
    Files.copy(first.key(), key);
    start(RouterHarness.builder().replica("r", upstream("m", Scripts.ok()))
        .section("tls", "{ cert: \"" + cert + "\", key: \"" + key + "\", h2: false }"));
    int port = h.router().port();
    assertThat(servedSerial(port)).isEqualTo(first.leaf().getSerialNumber());

    TestCerts.Server second = TestCerts.server(dir, "second", ca);
    Files.copy(second.key(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.copy(second.cert(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    await().atMost(20, TimeUnit.SECONDS)
        .until(() -> servedSerial(port).equals(second.leaf().getSerialNumber()));
    assertThat(h.metric("lb_tls_reloads_total", "result=\"applied\"")).isEqualTo(1);

    // A certificate with someone else's key: refused, the renewed one stays in use.
    TestCerts.Server third = TestCerts.server(dir, "third", ca);
    Files.copy(third.cert(), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    await().atMost(20, TimeUnit.SECONDS)
        .until(() -> h.metric("lb_tls_reloads_total", "result=\"refused\"") == 1);
    assertThat(servedSerial(port)).isEqualTo(second.leaf().getSerialNumber());
  }

  @Test
  void aMismatchedPairStopsTheStartWithAClearMessage() {
    TestCerts.Authority ca = TestCerts.authority(dir, "one");
    TestCerts.Server a = TestCerts.server(dir, "a", ca);
    TestCerts.Server b = TestCerts.server(dir, "b", ca);
    String yaml = "listen: { host: 127.0.0.1, port: 0 }\nadmin: { host: 127.0.0.1, port: 0 }\n"
        + "tls: { cert: \"" + a.cert() + "\", key: \"" + b.key() + "\" }\n"
        + "replicas:\n  - { id: r, url: \"http://127.0.0.1:1\", model: m }\n";
    RouterConfig config = ConfigLoader.create().parse(yaml, "router.yaml");
    assertThatThrownBy(() -> ScriptedUpstream.join(Router.builder(config)
        .policy((c, l) -> c.get(0)).accessLog(new CapturingAccessLog()).start()))
        .hasMessageContaining("router.yaml: tls.key: " + b.key()
            + " is not the key of the certificate in " + a.cert());
  }

  @Test
  void httpsReplicasAreTrustedThroughTheConfiguredCa() throws Exception {
    TestCerts.Authority ca = TestCerts.authority(dir, "replicas");
    ScriptedUpstream secure = ScriptedUpstream.startTls(vertx, "m", Scripts.ok(),
        TestCerts.server(dir, "replica", ca));
    try (secure) {
      start(RouterHarness.builder().replica("s", secure)
          .section("upstream", "{ ca_file: \"" + ca.pem() + "\" }"));
      assertThat(h.router().pool().healthy(h.router().pool().replicas().get(0)))
          .as("probed over https").isTrue();
      HttpResponse<String> r = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("x-lb-replica")).hasValue("s");
      h.assertBalanced();
      h.close();

      // Without the CA the replica's certificate is not trusted: nothing is sent to it.
      start(RouterHarness.builder().replica("s", secure)
          .section("health_check", "{ enabled: false }"));
      HttpResponse<String> refused = h.post("/v1/completions", "{\"model\":\"m\"}");
      assertThat(refused.statusCode()).isEqualTo(502);
      assertThat(secure.calls()).hasSize(1);
    }
  }

  @Test
  void aCaFileThatIsNotPemIsAConfigError() throws Exception {
    Path bad = dir.resolve("ca.pem");
    Files.writeString(bad, "not a certificate");
    String yaml = "upstream: { ca_file: \"" + bad + "\" }\n"
        + "replicas:\n  - { id: r, url: \"https://127.0.0.1:1\", model: m }\n";
    assertThatThrownBy(() -> ConfigLoader.create().parse(yaml, "router.yaml"))
        .hasMessageStartingWith("router.yaml: upstream.ca_file: ");
    // And a real one is accepted.
    Path good = TestCerts.authority(dir, "x").pem();
    try (InputStream in = Files.newInputStream(good)) {
      assertThat(CertificateFactory.getInstance("X.509").generateCertificates(in)).hasSize(1);
    }
    assertThat(ConfigLoader.create().parse(yaml.replace(bad.toString(), good.toString()),
        "router.yaml").upstream().caFile()).isEqualTo(good.toString());
  }
}
