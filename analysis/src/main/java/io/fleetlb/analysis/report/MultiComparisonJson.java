package io.fleetlb.analysis.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.analysis.compare.ArmProfile;
import io.fleetlb.analysis.compare.Comparison;
import io.fleetlb.analysis.compare.MultiComparison;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * comparison.json of three or more arms: the two-arm document's header, workload and settings, then
 * {@code arms[]} (baseline first) and {@code comparisons[]}, one per non-baseline arm with that
 * pair's metrics in the two-arm shape (format in docs/report.md).
 */
public final class MultiComparisonJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private MultiComparisonJson() {}

  public static void write(
      MultiComparison mc, List<String> headlines, ReferenceRatios ref, List<String> files, Path out)
      throws IOException {
    MAPPER.writeValue(out.toFile(), build(mc, headlines, ref, files));
  }

  static ObjectNode build(
      MultiComparison mc, List<String> headlines, ReferenceRatios ref, List<String> files) {
    Comparison first = mc.first();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("format", "fleetlb-comparison");
    o.put("format_version", 1);
    o.put("arm_count", mc.arms().size());
    o.put("valid", mc.valid());
    o.put("workload_hash", first.workloadHash());
    o.put("headline", String.join("\n", headlines));
    ComparisonJson.strings(o.putArray("reasons"), mc.reasons());
    ComparisonJson.strings(o.putArray("warnings"), mc.warnings());
    ComparisonJson.workload(o.putObject("workload"), first);
    ComparisonJson.settings(o.putObject("settings"), first);
    o.put("baseline", mc.baseline().label());
    ArrayNode arms = o.putArray("arms");
    for (ArmProfile a : mc.arms()) {
      ObjectNode n = arms.addObject();
      n.put("role", a == mc.baseline() ? "baseline" : "arm");
      ComparisonJson.arm(n, a);
    }
    ArrayNode comparisons = o.putArray("comparisons");
    for (int k = 0; k < mc.pairs().size(); k++) {
      Comparison c = mc.pairs().get(k);
      ObjectNode n = comparisons.addObject();
      n.put("arm", c.managed().label());
      n.put("valid", c.valid());
      ComparisonJson.strings(n.putArray("reasons"), c.reasons());
      n.put("headline", headlines.get(k));
      n.put("pairing", c.pairing());
      ComparisonJson.metrics(n.putObject("metrics"), c.metrics());
      ComparisonJson.perModel(n.putObject("per_model"), c);
      ComparisonJson.paired(n.putObject("paired"), c.paired());
    }
    ObjectNode replicas = o.putObject("replicas");
    ObjectNode balance = o.putObject("balance");
    for (ArmProfile a : mc.arms()) {
      ComparisonJson.replicas(replicas.putObject(a.label()), a);
      ComparisonJson.balance(balance.putObject(a.label()), a);
    }
    if (ref == null) {
      o.putNull("reference");
    } else {
      ObjectNode n = o.putObject("reference");
      n.put("label", ref.reference());
      ObjectNode ratios = n.putObject("ratios");
      ref.ratios()
          .forEach(
              (arm, m) -> {
                ObjectNode a = ratios.putObject(arm);
                m.forEach((k, v) -> ComparisonJson.num(a, k, v));
              });
    }
    o.putNull("sweep");
    ComparisonJson.strings(o.putArray("files"), files);
    return o;
  }
}
