package io.fleetlb.compose;

import java.util.List;

/** DESIGN.md's reference layout: six single-GPU replicas, three models x two, ports 8001-8006. */
final class ReferenceFleet {
  static final String LLAMA_8B = "meta-llama/Llama-3.1-8B-Instruct";
  static final String QWEN_7B = "Qwen/Qwen2.5-7B-Instruct";
  static final String LLAMA_70B = "meta-llama/Llama-3.3-70B-Instruct";

  /** One replica: its router id (also the compose service name), model, GPU and host port. */
  record Replica(String id, String model, int gpu, int hostPort) {
    /** The replica's URL inside the compose network. */
    String composeUrl() {
      return "http://" + id + ":8000";
    }
  }

  static final List<Replica> REPLICAS = List.of(
      new Replica("llama8b-1", LLAMA_8B, 0, 8001),
      new Replica("llama8b-2", LLAMA_8B, 1, 8002),
      new Replica("qwen7b-1", QWEN_7B, 2, 8003),
      new Replica("qwen7b-2", QWEN_7B, 3, 8004),
      new Replica("llama70b-1", LLAMA_70B, 4, 8005),
      new Replica("llama70b-2", LLAMA_70B, 5, 8006));

  /** The replica ids in order. */
  static List<String> ids() {
    return REPLICAS.stream().map(Replica::id).toList();
  }

  private ReferenceFleet() {}
}
