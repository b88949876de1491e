package io.fleetlb.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The chart rendered by the real Helm engine ({@code helm template}, through helm-java's native
 * library) for a values file, each manifest parsed into fabric8's typed Kubernetes model. Parsing
 * is strict: a field the model does not know (a typo, a wrong indent) fails the test instead of
 * landing in {@code additionalProperties}, as the API server's strict validation would refuse it.
 */
final class RenderedChart {
  static final Path CHART = Path.of("helm/fleetlb");
  static final String RELEASE = "ab";
  static final String NAMESPACE = "inference";
  /** Custom resources the typed model has no class for (Prometheus Operator's). */
  private static final Set<String> CUSTOM_KINDS = Set.of("ServiceMonitor", "PodMonitor");

  final String yaml;
  final List<HasMetadata> objects;

  private RenderedChart(String yaml, List<HasMetadata> objects) {
    this.yaml = yaml;
    this.objects = objects;
  }

  /** Renders with the values files given (later ones win) and {@code --set} pairs. */
  static RenderedChart render(List<String> valuesFiles, Map<String, Object> sets) {
    TemplateCommand t = new Helm(CHART).template().withName(RELEASE).withNamespace(NAMESPACE);
    for (String f : valuesFiles) {
      t = t.withValuesFile(CHART.resolve(f));
    }
    for (Map.Entry<String, Object> e : sets.entrySet()) {
      t = t.set(e.getKey(), e.getValue());
    }
    String yaml = t.call();
    List<HasMetadata> objects = new ArrayList<>();
    for (String doc : yaml.split("(?m)^---\\s*$")) {
      if (doc.lines().allMatch(l -> l.isBlank() || l.trim().startsWith("#"))) {
        continue;
      }
      String kind = doc.lines().filter(l -> l.startsWith("kind:")).findFirst()
          .map(l -> l.substring(5).trim()).orElseThrow(() -> new AssertionError(
              "a manifest without kind:\n" + doc));
      HasMetadata o = CUSTOM_KINDS.contains(kind)
          ? Serialization.unmarshal(doc, GenericKubernetesResource.class)
          : Serialization.unmarshal(doc, HasMetadata.class);
      if (o instanceof GenericKubernetesResource && !CUSTOM_KINDS.contains(kind)) {
        throw new AssertionError("a kind fabric8's model does not know (" + kind + "):\n" + doc);
      }
      if (!(o instanceof GenericKubernetesResource)) {
        assertStrict(o, o.getKind() + " " + o.getMetadata().getName(), new IdentityHashMap<>());
      }
      objects.add(o);
    }
    return new RenderedChart(yaml, List.copyOf(objects));
  }

  /** Fails on any field the typed model did not recognise, anywhere in the object. */
  private static void assertStrict(Object o, String where, IdentityHashMap<Object, Object> seen) {
    if (o == null || seen.put(o, o) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      c.forEach(e -> assertStrict(e, where, seen));
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.values().forEach(v -> assertStrict(v, where, seen));
      return;
    }
    if (!(o instanceof KubernetesResource)) {
      return;
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0 || !m.getName().startsWith("get")
          || m.getDeclaringClass() == Object.class) {
        continue;
      }
      Object v;
      try {
        v = m.invoke(o);
      } catch (ReflectiveOperationException e) {
        continue;
      }
      if (m.getName().equals("getAdditionalProperties")) {
        assertThat((Map<?, ?>) v).as("fields %s does not know in %s", o.getClass()
            .getSimpleName(), where).isNullOrEmpty();
      } else {
        assertStrict(v, where, seen);
      }
    }
  }

  /** The objects of a kind. */
  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  /** Custom resources of a kind. */
  List<GenericKubernetesResource> custom(String kind) {
    return objects.stream().filter(o -> o instanceof GenericKubernetesResource
        && kind.equals(o.getKind())).map(GenericKubernetesResource.class::cast).toList();
  }

  /** The object of a kind with this name. */
  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name
            + " among " + objects.stream().map(o -> o.getKind() + "/"
                + o.getMetadata().getName()).toList()));
  }

  List<Deployment> deployments() {
    return all(Deployment.class);
  }

  List<Service> services() {
    return all(Service.class);
  }

  List<ConfigMap> configMaps() {
    return all(ConfigMap.class);
  }

  List<Secret> secrets() {
    return all(Secret.class);
  }

  List<Pod> pods() {
    return all(Pod.class);
  }

  List<DaemonSet> daemonSets() {
    return all(DaemonSet.class);
  }
}
