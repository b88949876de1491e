package io.fleetlb.bench.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.BenchVersion;
import java.util.List;

/**
 * The header line of a generated workload: format and version (2 with sessions), generator, seed,
 * size, vLLM's arrival keys, span, the sessions summary, dataset facts, every setting and the
 * content hash of the request lines.
 */
final class WorkloadHeader {
  private WorkloadHeader() {}

  static ObjectNode of(WorkloadSettings s, List<WorkloadRequest> requests, ObjectNode datasetInfo) {
    ObjectNode h = WorkloadFile.MAPPER.createObjectNode();
    h.put("format", WorkloadFile.FORMAT);
    h.put(
        "format_version",
        s.sessions() == null ? WorkloadFile.FORMAT_VERSION : WorkloadFile.SESSIONS_FORMAT_VERSION);
    ObjectNode g = h.putObject("generator");
    g.put("name", BenchVersion.NAME);
    g.put("version", BenchVersion.VERSION);
    h.put("seed", s.seed());
    h.put("num_requests", requests.size());
    h.put("endpoint", s.endpoint());
    var models = h.putArray("models");
    s.models().forEach(m -> models.add(m.name()));
    WorkloadSettings.putRate(
        h,
        "request_rate",
        s.arrivals().rampUpStrategy() != null
            ? Double.POSITIVE_INFINITY
            : s.arrivals().requestRate());
    WorkloadSettings.putRate(h, "burstiness", s.arrivals().burstiness());
    if (s.arrivals().maxConcurrency() == null) {
      h.putNull("max_concurrency");
    } else {
      h.put("max_concurrency", s.arrivals().maxConcurrency());
    }
    h.put("span_s", requests.isEmpty() ? 0 : requests.get(requests.size() - 1).offsetNanos() / 1e9);
    if (s.sessions() != null) {
      ObjectNode so = h.putObject("sessions");
      so.put("sessions", requests.stream().filter(r -> !r.dependent()).count());
      so.put("turns", requests.size());
      so.put("turns_mean", s.sessions().turnsMean());
      so.put("turns_stddev", s.sessions().turnsStddev());
      so.put("turn_delay_mean_ms", s.sessions().turnDelayMeanMs());
      so.put("turn_delay_stddev_ms", s.sessions().turnDelayStddevMs());
    }
    h.set("dataset", datasetInfo);
    h.set("settings", s.toJson());
    h.put("content_sha256", WorkloadFile.contentHash(requests));
    return h;
  }
}
