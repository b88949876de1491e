package io.fleetlb.lb.config;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Kubernetes discovery ({@code discovery.kubernetes}): the Services matching {@code selector} in
 * {@code namespace} are the model groups; their EndpointSlices' ready endpoints are the replicas
 * (id: the pod's name; address: the endpoint's; port: {@code port} of the slice).
 *
 * @param namespace where to look, default the router's own namespace (from its service account),
 *     else {@code default}
 * @param selector a label selector for the Services, default
 *     {@code app.kubernetes.io/part-of=fleetlb,fleetlb/role=replica}
 * @param modelLabel the Service label or annotation whose value is the served model (model
 *     names such as {@code meta-llama/Llama-3.1-8B-Instruct} are not valid label values, so an
 *     annotation is the usual place), default {@code fleetlb/model}
 * @param port the endpoint port: a port name or number, default {@code http}
 * @param scheme {@code http} or {@code https}, default {@code http}
 * @param resync how often the informers re-list everything, default 5m (changes arrive as
 *     watch events at once)
 */
public record KubernetesDiscoveryConfig(String namespace, String selector, String modelLabel,
    String port, String scheme, Duration resync) implements Validated {
  /** The labels the Helm chart puts on replica Services. */
  public static final String DEFAULT_SELECTOR =
      "app.kubernetes.io/part-of=fleetlb,fleetlb/role=replica";
  private static final Pattern SELECTOR_TERM = Pattern.compile(
      "!?[A-Za-z0-9./_-]+(\\s*(=|==|!=)\\s*[A-Za-z0-9._-]*|\\s+(in|notin)\\s*\\([^)]*\\))?");

  /** Fills in defaults for absent values. */
  public KubernetesDiscoveryConfig {
    selector = selector == null ? DEFAULT_SELECTOR : selector;
    modelLabel = modelLabel == null ? "fleetlb/model" : modelLabel;
    port = port == null ? "http" : port;
    scheme = scheme == null ? "http" : scheme;
    resync = resync == null ? Duration.ofMinutes(5) : resync;
  }

  @Override
  public void validate(Validation at) {
    at.check(namespace == null || namespace.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?"),
        "namespace", namespace, "must be a Kubernetes namespace name");
    for (String term : selector.split(",(?![^(]*\\))")) {
      at.check(SELECTOR_TERM.matcher(term.trim()).matches(), "selector", selector,
          "must be a label selector such as app=vllm,fleetlb/role=replica");
    }
    at.check(!modelLabel.isBlank(), "model_label", modelLabel, "must name a label or annotation");
    at.check(!port.isBlank(), "port", port, "must be a port name or number");
    at.check(scheme.equals("http") || scheme.equals("https"), "scheme", scheme,
        "must be http or https");
    at.check(resync.isZero() || resync.toSeconds() >= 1, "resync", resync,
        "must be 0 (never) or at least 1s");
  }
}
