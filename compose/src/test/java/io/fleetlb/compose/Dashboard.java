package io.fleetlb.compose;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** compose/grafana/dashboards/fleetlb.json: its panels and their PromQL. */
final class Dashboard {
  /** Metric names as the components export them (vLLM, routers, DCGM, process). */
  private static final Pattern METRIC = Pattern.compile(
      "\\b(vllm:[a-z_:]+|lb_[a-z_]+|DCGM_FI_[A-Z_]+|process_[a-z_]+)\\b");

  /** One query of one panel. */
  record Query(String panel, String expr, String legend) {
    /** The expression with Grafana's variables replaced as for "All" over a 1m window. */
    String resolved() {
      return expr.replace("$__rate_interval", "1m").replace("$router", ".*").replace("$replica", ".*");
    }
  }

  final JsonNode root;

  private Dashboard(JsonNode root) {
    this.root = root;
  }

  static Dashboard load() throws IOException {
    return new Dashboard(new ObjectMapper().readTree(Repo.compose("grafana/dashboards/fleetlb.json").toFile()));
  }

  /** The non-row panels. */
  List<JsonNode> panels() {
    List<JsonNode> out = new ArrayList<>();
    root.path("panels").forEach(p -> {
      if (!"row".equals(p.path("type").asText())) {
        out.add(p);
      }
    });
    return out;
  }

  List<Query> queries() {
    List<Query> out = new ArrayList<>();
    for (JsonNode p : panels()) {
      p.path("targets").forEach(t -> out.add(new Query(p.path("title").asText(),
          t.path("expr").asText(), t.path("legendFormat").asText())));
    }
    return out;
  }

  /** The template variables' queries, e.g. {@code label_values(lb_router_info, job)}. */
  List<String> variableQueries() {
    List<String> out = new ArrayList<>();
    root.path("templating").path("list").forEach(v -> out.add(v.path("definition").asText()));
    return out;
  }

  /** Every metric name used by panels and variables. */
  Set<String> metricNames() {
    Set<String> out = new TreeSet<>();
    List<String> exprs = new ArrayList<>(variableQueries());
    queries().forEach(q -> exprs.add(q.expr()));
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
