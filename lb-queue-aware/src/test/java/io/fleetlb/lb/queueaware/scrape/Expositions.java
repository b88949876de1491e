package io.fleetlb.lb.queueaware.scrape;

import io.fleetlb.lb.testing.ScriptedUpstream;
import java.util.concurrent.atomic.AtomicReference;

/** vLLM-shaped {@code /metrics} answers for scripted upstreams whose load a test controls. */
public final class Expositions {
  private Expositions() {}

  /** A V1 exposition (engine label, kv_cache_usage_perc, cache_config_info). */
  public static String v1(String model, double running, double waiting, double kv) {
    String l = "{engine=\"0\",model_name=\"" + model + "\"}";
    return "# HELP vllm:num_requests_running Number of requests in model execution batches.\n"
        + "# TYPE vllm:num_requests_running gauge\n"
        + "vllm:num_requests_running" + l + " " + running + "\n"
        + "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n"
        + "# TYPE vllm:num_requests_waiting gauge\n"
        + "vllm:num_requests_waiting" + l + " " + waiting + "\n"
        + "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.\n"
        + "# TYPE vllm:kv_cache_usage_perc gauge\n"
        + "vllm:kv_cache_usage_perc" + l + " " + kv + "\n"
        + "# TYPE vllm:cache_config_info gauge\n"
        + "vllm:cache_config_info{block_size=\"16\",engine=\"0\",num_gpu_blocks=\"6400\"} 1.0\n";
  }

  /** A V0 exposition (no engine label, gpu_cache_usage_perc, swapped requests). */
  public static String v0(String model, double running, double waiting, double swapped,
      double kv) {
    String l = "{model_name=\"" + model + "\"}";
    return "# TYPE vllm:num_requests_running gauge\n"
        + "vllm:num_requests_running" + l + " " + running + "\n"
        + "vllm:num_requests_swapped" + l + " " + swapped + "\n"
        + "vllm:num_requests_waiting" + l + " " + waiting + "\n"
        + "vllm:gpu_cache_usage_perc" + l + " " + kv + "\n";
  }

  /** Answers every scrape with the current text of {@code text}, as prometheus_client does. */
  public static ScriptedUpstream.Script serving(AtomicReference<String> text) {
    return call -> call.request.response()
        .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
        .end(text.get());
  }
}
