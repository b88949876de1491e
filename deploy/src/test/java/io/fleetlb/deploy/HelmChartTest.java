package io.fleetlb.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fleetlb.lb.config.ConfigLoader;
import io.fleetlb.lb.config.RouterConfig;
import io.fleetlb.lb.queueaware.QueueAware;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Helm chart as the real Helm engine lints and renders it, for each shipped values file and a
 * production set (keys, TLS, monitoring, autoscaling), checked the way a cluster would use it:
 * selectors reach their pods, ports and probes name real ports, the routers' generated
 * configuration loads with the routers' own loader from the files the pods mount, and discovery
 * finds the replica Services the chart makes.
 */
class HelmChartTest {
  private static final ObjectMapper YAML = new YAMLMapper();
  private static final Map<String, Object> PRODUCTION = new LinkedHashMap<>();

  static {
    PRODUCTION.put("routers.queueAware.enabled", true);
    PRODUCTION.put("router.auth.enabled", true);
    PRODUCTION.put("router.auth.keys[0].id", "team-a");
    PRODUCTION.put("router.auth.keys[0].key_sha256", "a".repeat(64));
    PRODUCTION.put("router.auth.keys[0].requests_per_minute", 600);
    PRODUCTION.put("router.auth.upstreamKeySecret.name", "vllm-api-key");
    PRODUCTION.put("router.tls.enabled", true);
    PRODUCTION.put("router.tls.secretName", "fleetlb-tls");
    PRODUCTION.put("router.autoscaling.enabled", true);
    PRODUCTION.put("router.config.admission.max_in_flight_per_replica", 128);
    PRODUCTION.put("monitoring.serviceMonitor.enabled", true);
    PRODUCTION.put("monitoring.podMonitor.enabled", true);
    PRODUCTION.put("monitoring.grafanaDashboard.enabled", true);
    PRODUCTION.put("monitoring.dcgmExporter.enabled", true);
    PRODUCTION.put("bench.apiKeySecret.name", "fleetlb-test-key");
    PRODUCTION.put("bench.job.enabled", true);
  }

  static Stream<Arguments> arms() {
    return Stream.of(
        Arguments.of("defaults", List.of(), Map.of()),
        Arguments.of("baseline", List.of("values-baseline.yaml"), Map.of()),
        Arguments.of("managed", List.of("values-managed.yaml"), Map.of()),
        Arguments.of("sim", List.of("values-sim.yaml"), Map.of()),
        Arguments.of("production", List.of("values-baseline.yaml"), PRODUCTION));
  }

  @Test
  void helmLintFindsNothing() {
    LintResult r = new Helm(RenderedChart.CHART).lint().strict().call();
    assertThat(r.getMessages()).as("helm lint --strict").allMatch(m -> m.contains("[INFO]"));
    assertThat(r.isFailed()).isFalse();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arms")
  void everySelectorReachesItsPodsAndEveryPortIsReal(String arm, List<String> values,
      Map<String, Object> sets) {
    RenderedChart c = RenderedChart.render(values, sets);
    for (Deployment d : c.deployments()) {
      Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
      assertThat(podLabels).as("%s's selector", d.getMetadata().getName())
          .containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      for (Container ct : pod.getContainers()) {
        Set<String> ports = portNames(ct);
        for (var probe : Stream.of(ct.getReadinessProbe(), ct.getLivenessProbe(),
            ct.getStartupProbe()).filter(p -> p != null).toList()) {
          if (probe.getHttpGet() != null) {
            assertThat(ports).as("%s probe port", d.getMetadata().getName())
                .contains(probe.getHttpGet().getPort().getStrVal());
            assertThat(probe.getHttpGet().getPath()).isEqualTo("/health");
          }
          if (probe.getTcpSocket() != null) {
            assertThat(ports).contains(probe.getTcpSocket().getPort().getStrVal());
          }
        }
        Set<String> volumes = new java.util.HashSet<>();
        pod.getVolumes().forEach(v -> volumes.add(v.getName()));
        for (VolumeMount m : ct.getVolumeMounts()) {
          assertThat(volumes).as("%s mounts", d.getMetadata().getName()).contains(m.getName());
        }
      }
    }
    for (Service s : c.services()) {
      List<Deployment> backing = c.deployments().stream().filter(d -> d.getSpec().getTemplate()
          .getMetadata().getLabels().entrySet().containsAll(s.getSpec().getSelector().entrySet()))
          .toList();
      assertThat(backing).as("pods behind Service %s", s.getMetadata().getName()).hasSize(1);
      Set<String> ports = portNames(backing.get(0).getSpec().getTemplate().getSpec()
          .getContainers().get(0));
      for (ServicePort p : s.getSpec().getPorts()) {
        assertThat(ports).as("Service %s targetPort", s.getMetadata().getName())
            .contains(p.getTargetPort().getStrVal());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arms")
  void theReplicasAreTheModelsOfTheValuesAndTheRoutersFindThem(String arm, List<String> values,
      Map<String, Object> sets) throws Exception {
    RenderedChart c = RenderedChart.render(values, sets);
    List<Service> replicaServices = c.services().stream()
        .filter(s -> "replica".equals(s.getMetadata().getLabels().get("fleetlb/role"))).toList();
    assertThat(replicaServices).extracting(s -> s.getMetadata().getAnnotations()
        .get("fleetlb/model")).containsExactly("meta-llama/Llama-3.1-8B-Instruct",
            "Qwen/Qwen2.5-7B-Instruct", "meta-llama/Llama-3.3-70B-Instruct");
    int total = 0;
    for (Service s : replicaServices) {
      Deployment d = c.named(Deployment.class, s.getMetadata().getName());
      total += d.getSpec().getReplicas();
      Container ct = d.getSpec().getTemplate().getSpec().getContainers().get(0);
      String model = s.getMetadata().getAnnotations().get("fleetlb/model");
      List<String> args = ct.getArgs();
      String flag = args.contains("--served-model-name") ? "--served-model-name" : "--model";
      assertThat(args.get(args.indexOf(flag) + 1)).as("the model the replica serves")
          .isEqualTo(model);
      boolean gpu = ct.getResources().getLimits() != null
          && ct.getResources().getLimits().containsKey("nvidia.com/gpu");
      assertThat(gpu).as("a GPU per vLLM replica, none for vllm-sim")
          .isEqualTo(!arm.equals("sim"));
    }
    assertThat(total).isEqualTo(6);

    for (ConfigMap cm : routerConfigs(c)) {
      RouterConfig config = load(c, cm, Files.createTempDirectory("fleetlb-chart"));
      var k8s = config.discovery().kubernetes();
      assertThat(k8s.namespace()).isEqualTo(RenderedChart.NAMESPACE);
      for (Service s : replicaServices) {
        assertThat(matches(k8s.selector(), s.getMetadata().getLabels()))
            .as("%s selects %s", cm.getMetadata().getName(), s.getMetadata().getName()).isTrue();
        assertThat(s.getMetadata().getAnnotations()).containsKey(k8s.modelLabel());
        assertThat(s.getSpec().getPorts()).extracting(ServicePort::getName).contains(k8s.port());
      }
      assertThat(matches(k8s.selector(), c.named(Service.class, cm.getMetadata().getName())
          .getMetadata().getLabels())).as("a router is not a replica").isFalse();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("arms")
  void theRoutersConfigurationLoadsFromWhatThePodsMount(String arm, List<String> values,
      Map<String, Object> sets, @TempDir Path dir) throws Exception {
    RenderedChart c = RenderedChart.render(values, sets);
    List<ConfigMap> configs = routerConfigs(c);
    assertThat(configs).isNotEmpty();
    for (ConfigMap cm : configs) {
      String name = cm.getMetadata().getName();
      Deployment d = c.named(Deployment.class, name);
      PodSpec pod = d.getSpec().getTemplate().getSpec();
      Container ct = pod.getContainers().get(0);
      Path root = dir.resolve(name);
      RouterConfig config = load(c, cm, root);
      assertThat(ct.getArgs()).containsExactly("--config", "/etc/fleetlb/router.yaml");
      assertThat(portOf(ct, "http")).isEqualTo(config.listen().port());
      assertThat(portOf(ct, "admin")).isEqualTo(config.admin().port());
      assertThat(config.listen().host()).isEqualTo("0.0.0.0");
      assertThat(ct.getImage()).contains(name.endsWith("lb-queue-aware") ? "lb-queue-aware"
          : "lb-roundrobin");
      // The grace period covers the drain (the preStop pause comes first).
      assertThat(pod.getTerminationGracePeriodSeconds())
          .isGreaterThan(config.drain().timeout().toSeconds() + 5);
      assertThat(ct.getLifecycle().getPreStop().getExec().getCommand())
          .containsExactly("sleep", "5");
      assertThat(pod.getServiceAccountName()).isEqualTo(RenderedChart.RELEASE + "-router");
      if (arm.equals("production")) {
        assertThat(config.auth().keysFile()).isEqualTo(root + "/auth/keys.yaml");
        assertThat(config.auth().upstreamMode()).isEqualTo("Bearer from-the-secret");
        assertThat(config.tls().cert()).isEqualTo(root + "/tls/tls.crt");
        assertThat(config.admission().maxInFlightPerReplica()).isEqualTo(128);
        assertThat(ct.getReadinessProbe().getHttpGet().getScheme()).isEqualTo("HTTPS");
        assertThat(ct.getEnv()).anyMatch(e -> e.getName().equals("VLLM_API_KEY")
            && e.getValueFrom().getSecretKeyRef().getName().equals("vllm-api-key"));
      }
    }
    Role role = c.all(Role.class).get(0);
    assertThat(role.getRules()).anyMatch(r -> r.getResources().contains("endpointslices")
        && r.getApiGroups().contains("discovery.k8s.io") && r.getVerbs().contains("watch"));
    assertThat(role.getRules()).anyMatch(r -> r.getResources().contains("services")
        && r.getVerbs().containsAll(List.of("get", "list", "watch")));
    RoleBinding binding = c.all(RoleBinding.class).get(0);
    assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
    assertThat(binding.getSubjects().get(0).getName()).isEqualTo(RenderedChart.RELEASE
        + "-router");
  }

  @Test
  void theProductionSetHasItsMonitoringAutoscalingAndDisruptionBudget() throws Exception {
    RenderedChart c = RenderedChart.render(List.of("values-baseline.yaml"), PRODUCTION);
    for (HorizontalPodAutoscaler hpa : c.all(HorizontalPodAutoscaler.class)) {
      Deployment target = c.named(Deployment.class, hpa.getSpec().getScaleTargetRef().getName());
      assertThat(target.getSpec().getReplicas()).as("the HPA owns the replica count").isNull();
    }
    assertThat(c.all(HorizontalPodAutoscaler.class)).hasSize(2);
    for (PodDisruptionBudget pdb : c.all(PodDisruptionBudget.class)) {
      Deployment d = c.named(Deployment.class, pdb.getMetadata().getName());
      assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
          .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }
    GenericKubernetesResource sm = c.custom("ServiceMonitor").get(0);
    @SuppressWarnings("unchecked")
    Map<String, String> smLabels = (Map<String, String>) ((Map<String, Object>) ((Map<String,
        Object>) sm.getAdditionalProperties().get("spec")).get("selector")).get("matchLabels");
    List<Service> scraped = c.services().stream().filter(s -> s.getMetadata().getLabels()
        .entrySet().containsAll(smLabels.entrySet())).toList();
    assertThat(scraped).hasSize(2).allMatch(s -> s.getSpec().getPorts().get(0).getName()
        .equals("admin"));
    assertThat(c.custom("PodMonitor")).hasSize(2);
    assertThat(c.daemonSets()).extracting(d -> d.getMetadata().getName())
        .containsExactly(RenderedChart.RELEASE + "-dcgm-exporter");
    ConfigMap dashboard = c.named(ConfigMap.class, RenderedChart.RELEASE + "-dashboard");
    try (var files = Files.list(Path.of("../compose/grafana/dashboards"))) {
      for (Path f : files.toList()) {
        assertThat(dashboard.getData().get(f.getFileName().toString()))
            .as("the chart's copy of %s", f.getFileName())
            .isEqualTo(Files.readString(f).stripTrailing());
      }
    }
    // The A/B as a Job (the helm test Pod has the same spec; `helm template` leaves hooks out).
    var job = c.all(io.fabric8.kubernetes.api.model.batch.v1.Job.class).get(0);
    var ab = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    assertThat(ab.getImage()).isEqualTo("fleetlb/bench:0.1.0");
    String script = ab.getArgs().get(0);
    assertThat(script).contains("bench/ab.sh --baseline \"$ROUTER_ROUNDROBIN\" --managed"
        + " \"$ROUTER_QUEUEAWARE\"").contains("Authorization=Bearer $FLEETLB_API_KEY");
    for (String router : List.of("ROUTER_ROUNDROBIN", "ROUTER_QUEUEAWARE")) {
      String url = ab.getEnv().stream().filter(e -> e.getName().equals(router)).findFirst()
          .orElseThrow().getValue();
      String service = url.substring("https://".length(), url.lastIndexOf(':'));
      assertThat(c.named(Service.class, service).getSpec().getPorts().get(0).getPort())
          .isEqualTo(Integer.parseInt(url.substring(url.lastIndexOf(':') + 1)));
    }
  }

  @Test
  void vllmDevModeIsOffUnlessAskedForTheBenchsCacheResets() throws Exception {
    for (boolean on : new boolean[] {false, true}) {
      RenderedChart c = RenderedChart.render(List.of("values-baseline.yaml"),
          on ? Map.of("replicas.vllm.serverDevMode", true) : Map.of());
      List<Deployment> replicas = c.all(Deployment.class).stream()
          .filter(d -> "replica".equals(d.getMetadata().getLabels().get("fleetlb/role"))).toList();
      assertThat(replicas).hasSize(3);
      for (Deployment d : replicas) {
        List<String> devMode = d.getSpec().getTemplate().getSpec().getContainers().get(0)
            .getEnv().stream().filter(e -> e.getName().equals("VLLM_SERVER_DEV_MODE"))
            .map(e -> e.getValue()).toList();
        assertThat(devMode).as("%s, serverDevMode %s", d.getMetadata().getName(), on)
            .isEqualTo(on ? List.of("1") : List.of());
      }
    }
  }

  @Test
  void theRoutersSeccompProfileIsTheRuntimesDefaultUnlessOneIsGiven() throws Exception {
    for (boolean own : new boolean[] {false, true}) {
      RenderedChart c = RenderedChart.render(List.of("values-baseline.yaml"), own
          ? Map.of("router.seccompProfile.type", "Localhost",
              "router.seccompProfile.localhostProfile", "profiles/fleetlb-io-uring.json")
          : Map.of());
      List<Deployment> routers = c.all(Deployment.class).stream()
          .filter(d -> "router".equals(d.getMetadata().getLabels().get("fleetlb/role"))).toList();
      assertThat(routers).isNotEmpty();
      for (Deployment d : routers) {
        var profile = d.getSpec().getTemplate().getSpec().getSecurityContext().getSeccompProfile();
        assertThat(profile.getType()).isEqualTo(own ? "Localhost" : "RuntimeDefault");
        assertThat(profile.getLocalhostProfile())
            .isEqualTo(own ? "profiles/fleetlb-io-uring.json" : null);
      }
    }
  }

  @Test
  void missingRequiredValuesAreNamed() {
    Map<String, Object> noKeys = Map.of("router.auth.enabled", true);
    assertThatThrownBy(() -> RenderedChart.render(List.of(), noKeys))
        .hasMessageContaining("router.auth.keys (or router.auth.existingSecret) is required");
    assertThatThrownBy(() -> RenderedChart.render(List.of(), Map.of("router.tls.enabled", true)))
        .hasMessageContaining("router.tls.secretName is required");
    assertThatThrownBy(() -> RenderedChart.render(List.of(),
        Map.of("replicas.modelCache.type", "pvc")))
        .hasMessageContaining("replicas.modelCache.claimName is required");
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static List<ConfigMap> routerConfigs(RenderedChart c) {
    return c.configMaps().stream().filter(cm -> "router".equals(cm.getMetadata().getLabels()
        .get("fleetlb/role"))).toList();
  }

  /**
   * Writes what the router pod mounts under /etc/fleetlb (its ConfigMap, the keys Secret, a
   * stand-in for the TLS Secret) into {@code root}, and loads the configuration with the router's
   * own loader, paths moved from /etc/fleetlb to {@code root}.
   */
  private static RouterConfig load(RenderedChart c, ConfigMap cm, Path root) throws Exception {
    Files.createDirectories(root);
    String yaml = cm.getData().get("router.yaml").replace("/etc/fleetlb", root.toString());
    Files.writeString(root.resolve("router.yaml"), yaml);
    Deployment d = c.named(Deployment.class, cm.getMetadata().getName());
    PodSpec pod = d.getSpec().getTemplate().getSpec();
    Container ct = pod.getContainers().get(0);
    for (VolumeMount m : ct.getVolumeMounts()) {
      Volume v = pod.getVolumes().stream().filter(x -> x.getName().equals(m.getName()))
          .findFirst().orElseThrow();
      if (v.getSecret() != null && v.getSecret().getSecretName().endsWith("-router-keys")) {
        Secret s = c.named(Secret.class, v.getSecret().getSecretName());
        Path target = root.resolve(m.getMountPath().substring("/etc/fleetlb/".length()));
        Files.createDirectories(target);
        String keys = s.getStringData() != null ? s.getStringData().get("keys.yaml")
            : new String(Base64.getDecoder().decode(s.getData().get("keys.yaml")),
                StandardCharsets.UTF_8);
        Files.writeString(target.resolve("keys.yaml"), keys);
      }
      if (v.getConfigMap() != null) {
        assertThat(v.getConfigMap().getName()).isEqualTo(cm.getMetadata().getName());
        assertThat(m.getMountPath()).isEqualTo("/etc/fleetlb");
      }
    }
    boolean queueAware = cm.getMetadata().getName().endsWith("lb-queue-aware");
    ConfigLoader loader = (queueAware ? QueueAware.configLoader() : ConfigLoader.create())
        .withEnvironment(Map.of("VLLM_API_KEY", "from-the-secret"));
    RouterConfig config = loader.load(root.resolve("router.yaml"));
    JsonNode raw = YAML.readTree(yaml);
    assertThat(raw.has("replicas")).as("replicas come from discovery").isFalse();
    return config;
  }

  /** Whether an equality-based label selector ({@code a=b,c=d}) matches the labels. */
  private static boolean matches(String selector, Map<String, String> labels) {
    Map<String, String> want = new HashMap<>();
    for (String term : selector.split(",")) {
      String[] kv = term.split("=", 2);
      want.put(kv[0].trim(), kv[1].trim());
    }
    return labels != null && labels.entrySet().containsAll(want.entrySet());
  }

  private static Set<String> portNames(Container c) {
    Set<String> out = new java.util.HashSet<>();
    for (ContainerPort p : c.getPorts()) {
      out.add(p.getName());
    }
    return out;
  }

  private static int portOf(Container c, String name) {
    return c.getPorts().stream().filter(p -> name.equals(p.getName())).findFirst()
        .orElseThrow().getContainerPort();
  }
}
