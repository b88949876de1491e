package io.fleetlb.compose;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * A compose/prometheus config re-addressed for a test: every target (a compose service:port) is
 * mapped to a loopback address, the interval shortened to 1s, and jobs whose services the test
 * does not run are removed. Everything else (labels, paths, relabelling) is kept as written.
 */
final class LoopbackConfig {
  private LoopbackConfig() {}

  static String of(String file, Map<String, String> addresses, List<String> dropJobs) {
    Map<String, Object> root = Repo.yaml(Repo.compose("prometheus/" + file));
    Map<String, Object> global = Repo.map(root.get("global"));
    global.put("scrape_interval", "1s");
    global.put("scrape_timeout", "1s");
    List<Object> jobs = new ArrayList<>(Repo.list(root.get("scrape_configs")));
    jobs.removeIf(j -> dropJobs.contains(String.valueOf(Repo.map(j).get("job_name"))));
    for (Object job : jobs) {
      for (Object sc : Repo.list(Repo.map(job).get("static_configs"))) {
        Map<String, Object> m = Repo.map(sc);
        m.put("targets", Repo.list(m.get("targets")).stream().map(t -> {
          String a = addresses.get(String.valueOf(t));
          if (a == null) {
            throw new AssertionError("prometheus/" + file + " target not in the test stack: " + t);
          }
          return a;
        }).toList());
      }
    }
    root.put("scrape_configs", jobs);
    DumperOptions o = new DumperOptions();
    o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    return new Yaml(o).dump(root);
  }
}
