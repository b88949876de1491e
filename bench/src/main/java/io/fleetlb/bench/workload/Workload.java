package io.fleetlb.bench.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** A workload in memory: its header (settings, seed, content hash) and its requests in order. */
public record Workload(ObjectNode header, List<WorkloadRequest> requests) {

  public Workload {
    requests = List.copyOf(requests);
  }

  public String contentSha256() {
    return header.path("content_sha256").asText();
  }

  public long seed() {
    return header.path("seed").asLong();
  }

  /** The schedule's span: the offset of the last request. */
  public long spanNanos() {
    return requests.isEmpty() ? 0 : requests.get(requests.size() - 1).offsetNanos();
  }

  /** The settings object the generator recorded. */
  public ObjectNode settings() {
    return (ObjectNode) header.path("settings");
  }
}
