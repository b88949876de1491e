package io.fleetlb.compose;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Read access to one resolved compose service, in the short syntaxes the files use. */
record Service(String name, Map<String, Object> spec) {

  /** A published port: {@code [HOST_IP:]HOST:CONTAINER}. */
  record Port(String hostIp, int hostPort, int containerPort) {
    static Port parse(String text) {
      String[] parts = text.split(":");
      if (parts.length == 2) {
        return new Port("0.0.0.0", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
      if (parts.length == 3) {
        return new Port(parts[0], Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
      }
      throw new IllegalArgumentException("unsupported port syntax: " + text);
    }
  }

  String image() {
    return (String) spec.get("image");
  }

  List<String> command() {
    return strings(spec.get("command"));
  }

  List<String> entrypoint() {
    return strings(spec.get("entrypoint"));
  }

  /** The value after {@code flag} in the command, if the flag is there. */
  Optional<String> arg(String flag) {
    List<String> c = command();
    int i = c.indexOf(flag);
    return i < 0 || i + 1 >= c.size() ? Optional.empty() : Optional.of(c.get(i + 1));
  }

  boolean hasFlag(String flag) {
    return command().contains(flag);
  }

  Map<String, String> environment() {
    Map<String, String> out = new LinkedHashMap<>();
    Repo.map(spec.get("environment")).forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  List<Port> ports() {
    return strings(spec.get("ports")).stream().map(Port::parse).toList();
  }

  /** The container port published on {@code hostPort}. */
  Optional<Port> published(int hostPort) {
    return ports().stream().filter(p -> p.hostPort() == hostPort).findFirst();
  }

  /** GPU device ids reserved for this service. */
  List<String> gpuIds() {
    List<String> out = new ArrayList<>();
    for (Object d : devices()) {
      out.addAll(strings(Repo.map(d).get("device_ids")));
    }
    return out;
  }

  /** The device reservations, as written. */
  List<Object> devices() {
    Map<String, Object> reservations = Repo.map(Repo.map(Repo.map(spec.get("deploy"))
        .get("resources")).get("reservations"));
    return Repo.list(reservations.get("devices"));
  }

  /** depends_on as service -> condition. */
  Map<String, String> dependsOn() {
    Object d = spec.get("depends_on");
    Map<String, String> out = new LinkedHashMap<>();
    if (d instanceof List<?> l) {
      l.forEach(s -> out.put(String.valueOf(s), "service_started"));
    } else {
      Repo.map(d).forEach((k, v) -> out.put(k, String.valueOf(Repo.map(v).get("condition"))));
    }
    return out;
  }

  List<String> profiles() {
    return strings(spec.get("profiles"));
  }

  List<String> volumes() {
    return strings(spec.get("volumes"));
  }

  Map<String, Object> build() {
    return Repo.map(spec.get("build"));
  }

  Map<String, Object> healthcheck() {
    return Repo.map(spec.get("healthcheck"));
  }

  /** The host-side source of the volume mounted at {@code containerPath}. */
  Optional<String> mountSource(String containerPath) {
    for (String v : volumes()) {
      String[] parts = v.split(":");
      if (parts.length >= 2 && parts[1].equals(containerPath)) {
        return Optional.of(parts[0]);
      }
    }
    return Optional.empty();
  }

  private static List<String> strings(Object node) {
    return Repo.list(node).stream().map(String::valueOf).toList();
  }
}
