package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fleetlb.compose.ReferenceFleet.Replica;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.sim.fleet.FleetFile;
import io.fleetlb.sim.replica.ReplicaOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The router configs in compose/config: accepted by lb-core's real loader (and by the router jars'
 * {@code --check-config}), and naming exactly the compose services of every deployment.
 */
class RouterConfigTest {

  @Test
  void configsLoadWithTheRealLoaderAndListenWhereComposePublishes() {
    for (RouterServices r : RouterServices.BOTH) {
      RouterConfig c = ConfigLoader.create().load(Repo.compose(r.config()));
      assertThat(c.listen().host()).isEqualTo("0.0.0.0");
      assertThat(c.listen().port()).isEqualTo(r.listenPort());
      // Inside the container the admin listener must be reachable by Prometheus; the compose
      // files publish it on the host's loopback only (checked in DeploymentWiringTest).
      assertThat(c.admin().host()).isEqualTo("0.0.0.0");
      assertThat(c.admin().port()).isEqualTo(r.adminPort());
      assertThat(c.healthCheck().path()).isEqualTo("/health");
      assertThat(c.drain().timeout()).isLessThan(Duration.ofSeconds(40));
    }
  }

  @Test
  void replicasAreTheComposeServicesOfEveryDeployment() {
    for (RouterServices r : RouterServices.BOTH) {
      List<ReplicaConfig> replicas = ConfigLoader.create().load(Repo.compose(r.config())).replicas();
      assertThat(replicas).extracting(ReplicaConfig::id).containsExactlyElementsOf(ReferenceFleet.ids());
      for (String name : ComposeFile.NAMES) {
        ComposeFile file = ComposeFile.load(name);
        for (ReplicaConfig rc : replicas) {
          URI url = rc.uri();
          Service s = file.service(url.getHost());
          assertThat(url.getHost()).as("%s: id = service name", r.config()).isEqualTo(rc.id());
          assertThat(Integer.toString(url.getPort())).as("%s %s port", file, rc.id())
              .isEqualTo(s.arg("--port").orElseThrow());
          String served = s.arg("--served-model-name").or(() -> s.arg("--model")).orElseThrow();
          assertThat(rc.model()).as("%s %s model", file, rc.id()).isEqualTo(served);
        }
      }
    }
  }

  @Test
  void replicasAgreeWithTheReferenceFleetAndTheSimulatorsFleetFile() {
    Map<String, Replica> reference = ReferenceFleet.REPLICAS.stream()
        .collect(java.util.stream.Collectors.toMap(Replica::id, x -> x));
    List<ReplicaOptions> sim = FleetFile.load(Repo.path("vllm-sim/fleet-6.yaml"));
    for (RouterServices r : RouterServices.BOTH) {
      RouterConfig c = ConfigLoader.create().load(Repo.compose(r.config()));
      for (ReplicaConfig rc : c.replicas()) {
        assertThat(rc.model()).isEqualTo(reference.get(rc.id()).model());
        assertThat(sim).filteredOn(o -> o.id().equals(rc.id())).singleElement()
            .satisfies(o -> assertThat(o.model()).isEqualTo(rc.model()));
      }
    }
  }

  @Test
  void bothConfigsDifferOnlyInPortsAndTheQueueAwareSections() {
    RouterConfig rr = ConfigLoader.create().load(Repo.compose(RouterServices.ROUND_ROBIN.config()));
    RouterConfig qa = ConfigLoader.create().load(Repo.compose(RouterServices.QUEUE_AWARE.config()));
    // The A/B compares routing policies: every other setting must be identical.
    assertThat(qa.replicas()).isEqualTo(rr.replicas());
    assertThat(qa.timeouts()).isEqualTo(rr.timeouts());
    assertThat(qa.retry()).isEqualTo(rr.retry());
    assertThat(qa.ejection()).isEqualTo(rr.ejection());
    assertThat(qa.healthCheck()).isEqualTo(rr.healthCheck());
    assertThat(qa.limits()).isEqualTo(rr.limits());
    assertThat(qa.upstream()).isEqualTo(rr.upstream());
    assertThat(qa.drain()).isEqualTo(rr.drain());
    assertThat(qa.accessLog()).isEqualTo(rr.accessLog());
    assertThat(qa.sections()).containsKey("scrape");
  }

  @Test
  void lbRoundrobinJarAcceptsBothConfigs() throws Exception {
    Path jar = Repo.path("lb-roundrobin/target/lb-roundrobin.jar");
    assumeTrue(Files.isRegularFile(jar), "lb-roundrobin.jar is built by -am before this module");
    for (RouterServices r : RouterServices.BOTH) {
      Tools.Result res = Tools.run(Duration.ofSeconds(60), javaBin(), "-jar", jar.toString(),
          "--config", Repo.compose(r.config()).toString(), "--check-config");
      assertThat(res.exitCode()).as(res.output()).isZero();
      assertThat(res.output()).contains("OK (6 replicas, 3 models)");
    }
  }

  @Test
  void lbQueueAwareJarAcceptsItsConfig() throws Exception {
    Path jar = Repo.path("lb-queue-aware/target/lb-queue-aware.jar");
    assumeTrue(Files.isRegularFile(jar), "lb-queue-aware.jar not built here (yet)");
    Tools.Result res = Tools.run(Duration.ofSeconds(60), javaBin(), "-jar", jar.toString(),
        "--config", Repo.compose(RouterServices.QUEUE_AWARE.config()).toString(), "--check-config");
    assertThat(res.exitCode()).as(res.output()).isZero();
  }

  private static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
