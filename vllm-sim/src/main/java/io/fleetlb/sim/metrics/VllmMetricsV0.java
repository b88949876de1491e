package io.fleetlb.sim.metrics;

import io.fleetlb.sim.engine.EngineGauges;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.Histogram;

/**
 * vLLM v0.6.4.post1's {@code /metrics} (V0 engine, default multiprocess frontend): {@code
 * model_name} label only, no {@code _created} series, no process metrics, {@code _sum} printed
 * before the buckets, {@code num_requests_swapped} and the {@code gpu_/cpu_cache_usage_perc}
 * gauges, the prefix-cache block hit-rate gauges (-1 with prefix caching off), and {@code
 * request_success_total} only for reasons seen so far.
 *
 * <p>v0.6.4.post1 feeds prefill durations into {@code request_decode_time_seconds} and decode
 * durations into {@code request_prefill_time_seconds} (the two calls are crossed in its stat
 * logger); the simulator reproduces that quirk so a consumer sees what the real server exports.
 */
public final class VllmMetricsV0 {

  private VllmMetricsV0() {}

  /** Renders the exposition. */
  public static String render(
      ReplicaMetricsSource src, double promptThroughput, double generationThroughput) {
    Exposition x = new Exposition();
    EngineMetrics m = src.metrics();
    EngineGauges g = m.gauges();
    String[] l = {"model_name", src.model()};
    String[] none = {};
    cacheConfig(x, src);
    gauge(
        x,
        "vllm:num_requests_running",
        "Number of requests currently running on GPU.",
        g.running(),
        l);
    gauge(x, "vllm:num_requests_swapped", "Number of requests swapped to CPU.", 0, l);
    gauge(
        x,
        "vllm:num_requests_waiting",
        "Number of requests waiting to be processed.",
        g.waiting(),
        l);
    gauge(
        x,
        "vllm:gpu_cache_usage_perc",
        "GPU KV-cache usage. 1 means 100 percent usage.",
        g.kvUsage(),
        l);
    gauge(x, "vllm:cpu_cache_usage_perc", "CPU KV-cache usage. 1 means 100 percent usage.", 0, l);
    // -1 when prefix caching is off; else the cumulative block hit rate (0 before any lookup). No
    // swapping is simulated, so the CPU allocator is never queried.
    gauge(
        x,
        "vllm:cpu_prefix_cache_hit_rate",
        "CPU prefix cache block hit rate.",
        src.prefixCaching() ? 0 : -1,
        l);
    gauge(
        x,
        "vllm:gpu_prefix_cache_hit_rate",
        "GPU prefix cache block hit rate.",
        gpuHitRate(src),
        l);
    x.family("vllm:lora_requests_info", "gauge", "Running stats on lora requests.")
        .sample(
            "vllm:lora_requests_info",
            System.currentTimeMillis() / 1000.0,
            "max_lora",
            "0",
            "running_lora_adapters",
            "",
            "waiting_lora_adapters",
            "");
    counter(
        x,
        "vllm:num_preemptions_total",
        "Cumulative number of preemption from the engine.",
        m.preemptions.get(),
        l);
    counter(
        x,
        "vllm:prompt_tokens_total",
        "Number of prefill tokens processed.",
        m.promptTokens.get(),
        l);
    counter(
        x,
        "vllm:generation_tokens_total",
        "Number of generation tokens processed.",
        m.generationTokens.get(),
        l);
    counter(
        x,
        "vllm:tokens_total",
        "Number of prefill plus generation tokens processed.",
        m.promptTokens.get() + m.generationTokens.get(),
        l);
    x.family("vllm:request_success_total", "counter", "Count of successfully processed requests.");
    for (FinishReason r : FinishReason.values()) {
      if (m.finished(r) > 0) {
        x.sample(
            "vllm:request_success_total",
            m.finished(r),
            "finished_reason",
            r.wire(),
            "model_name",
            src.model());
      }
    }
    histogram(
        x,
        "vllm:iteration_tokens_total",
        "Histogram of number of tokens per engine_step.",
        m.iterationTokens,
        l);
    histogram(
        x,
        "vllm:time_to_first_token_seconds",
        "Histogram of time to first token in seconds.",
        m.ttft,
        l);
    histogram(
        x,
        "vllm:time_per_output_token_seconds",
        "Histogram of time per output token in seconds.",
        m.interToken,
        l);
    histogram(
        x,
        "vllm:e2e_request_latency_seconds",
        "Histogram of end to end request latency in seconds.",
        m.e2e,
        l);
    histogram(
        x,
        "vllm:request_queue_time_seconds",
        "Histogram of time spent in WAITING phase for request.",
        m.queue,
        l);
    histogram(
        x,
        "vllm:request_inference_time_seconds",
        "Histogram of time spent in RUNNING phase for request.",
        m.inference,
        l);
    histogram(
        x,
        "vllm:request_prefill_time_seconds",
        "Histogram of time spent in PREFILL phase for request.",
        m.decode,
        l); // crossed on purpose: see the class comment
    histogram(
        x,
        "vllm:request_decode_time_seconds",
        "Histogram of time spent in DECODE phase for request.",
        m.prefill,
        l);
    histogram(
        x,
        "vllm:time_in_queue_requests",
        "Histogram of time the request spent in the queue in seconds.",
        m.queue,
        l);
    histogram(
        x,
        "vllm:request_prompt_tokens",
        "Number of prefill tokens processed.",
        m.requestPromptTokens,
        l);
    histogram(
        x,
        "vllm:request_generation_tokens",
        "Number of generation tokens processed.",
        m.requestGenerationTokens,
        l);
    histogram(
        x,
        "vllm:request_max_num_generation_tokens",
        "Histogram of maximum number of requested generation tokens.",
        m.requestMaxNumGenerationTokens,
        l);
    histogram(
        x, "vllm:request_params_n", "Histogram of the n request parameter.", m.requestParamsN, l);
    histogram(
        x,
        "vllm:request_params_max_tokens",
        "Histogram of the max_tokens request parameter.",
        m.requestParamsMaxTokens,
        l);
    gauge(
        x,
        "vllm:avg_prompt_throughput_toks_per_s",
        "Average prefill throughput in tokens/s.",
        promptThroughput,
        l);
    gauge(
        x,
        "vllm:avg_generation_throughput_toks_per_s",
        "Average generation throughput in tokens/s.",
        generationThroughput,
        l);
    return x.toString();
  }

  private static void gauge(Exposition x, String name, String help, double value, String[] l) {
    x.family(name, "gauge", help).sample(name, value, l);
  }

  private static void counter(Exposition x, String name, String help, double value, String[] l) {
    x.family(name, "counter", help).sample(name, value, l);
  }

  private static void histogram(Exposition x, String name, String help, Histogram h, String[] l) {
    x.family(name, "histogram", help).histogram(name, h.snapshot(), new String[0], l, true);
  }

  private static double gpuHitRate(ReplicaMetricsSource src) {
    if (!src.prefixCaching()) {
      return -1;
    }
    long queries = src.metrics().prefixBlockQueries.get();
    return queries == 0 ? 0 : (double) src.metrics().prefixBlockHits.get() / queries;
  }

  private static void cacheConfig(Exposition x, ReplicaMetricsSource src) {
    x.family("vllm:cache_config_info", "gauge", "Information of the LLMEngine CacheConfig");
    x.sample(
        "vllm:cache_config_info",
        1.0,
        "block_size",
        Integer.toString(src.profile().blockSize()),
        "cache_dtype",
        "auto",
        "cpu_offload_gb",
        "0",
        "enable_prefix_caching",
        src.prefixCachingLabel(),
        "gpu_memory_utilization",
        "0.9",
        "is_attention_free",
        "False",
        "num_cpu_blocks",
        "2048",
        "num_gpu_blocks",
        Integer.toString(src.profile().kvBlocks()),
        "num_gpu_blocks_override",
        "None",
        "sliding_window",
        "None",
        "swap_space_bytes",
        "4294967296");
  }
}
