package io.fleetlb.compose;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compose file as Compose resolves it: YAML with merge keys, then variable substitution with
 * the values of {@code compose/.env.example}. Keeps the set of variables the file uses.
 */
final class ComposeFile {
  /** The three deployments. */
  static final List<String> NAMES = List.of("baseline", "managed", "sim");

  final String name;
  final Path path;
  final Map<String, Object> root;
  final Map<String, Service> services = new LinkedHashMap<>();
  final Set<String> usedVariables;
  final Set<String> requiredVariables;

  private ComposeFile(String name, Path path, Map<String, Object> root, Interpolation vars) {
    this.name = name;
    this.path = path;
    this.root = root;
    Repo.map(root.get("services")).forEach((k, v) -> services.put(k, new Service(k, Repo.map(v))));
    this.usedVariables = vars.used();
    this.requiredVariables = vars.required();
  }

  /** Loads {@code compose/<name>.yml} with the example environment. */
  static ComposeFile load(String name) {
    return load(name, EnvExample.values());
  }

  /** Loads {@code compose/<name>.yml} with the given environment. */
  @SuppressWarnings("unchecked")
  static ComposeFile load(String name, Map<String, String> env) {
    Path path = Repo.compose(name + ".yml");
    Interpolation vars = new Interpolation(env);
    Map<String, Object> root = (Map<String, Object>) substitute(Repo.yaml(path), vars);
    return new ComposeFile(name, path, root, vars);
  }

  /** The service, which must exist. */
  Service service(String id) {
    Service s = services.get(id);
    if (s == null) {
      throw new AssertionError(path + ": no service " + id + " (has " + services.keySet() + ")");
    }
    return s;
  }

  /** Services that run without naming a profile. */
  List<Service> defaultServices() {
    return services.values().stream().filter(s -> s.profiles().isEmpty()).toList();
  }

  /** Every host port published by any service. */
  List<Integer> hostPorts() {
    List<Integer> out = new ArrayList<>();
    services.values().forEach(s -> s.ports().forEach(p -> out.add(p.hostPort())));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object substitute(Object node, Interpolation vars) {
    if (node instanceof String s) {
      return vars.apply(s);
    }
    if (node instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      ((Map<String, Object>) m).forEach((k, v) -> out.put(k, substitute(v, vars)));
      return out;
    }
    if (node instanceof List<?> l) {
      return l.stream().map(v -> substitute(v, vars)).toList();
    }
    return node;
  }

  @Override
  public String toString() {
    return "compose/" + name + ".yml";
  }
}
