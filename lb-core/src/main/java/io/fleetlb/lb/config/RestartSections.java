package io.fleetlb.lb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Which sections of a reloaded configuration differ in a way only a restart applies. */
public final class RestartSections {
  private RestartSections() {}

  /** The names of the sections, other than {@code replicas} and {@code timeouts}, that changed. */
  public static List<String> changed(RouterConfig a, RouterConfig b) {
    List<String> out = new ArrayList<>();
    check(out, "listen", a.listen(), b.listen());
    check(out, "admin", a.admin(), b.admin());
    check(out, "retry", a.retry(), b.retry());
    check(out, "ejection", a.ejection(), b.ejection());
    check(out, "health_check", a.healthCheck(), b.healthCheck());
    check(out, "limits", a.limits(), b.limits());
    check(out, "upstream", a.upstream(), b.upstream());
    check(out, "drain", a.drain(), b.drain());
    check(out, "access_log", a.accessLog(), b.accessLog());
    check(out, "auth", a.auth(), b.auth());
    check(out, "admission", a.admission(), b.admission());
    check(out, "tls", a.tls(), b.tls());
    check(out, "discovery", a.discovery(), b.discovery());
    check(out, "router sections (scrape, policy)", a.sections(), b.sections());
    return out;
  }

  private static void check(List<String> out, String name, Object a, Object b) {
    if (!Objects.equals(a, b)) {
      out.add(name);
    }
  }
}
