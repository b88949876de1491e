package io.fleetlb.sim.metrics;

import io.fleetlb.sim.engine.EngineGauges;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.Histogram;

/**
 * vLLM V1's {@code /metrics} (v0.11 reference, single API server): {@code engine} and {@code
 * model_name} labels, {@code _created} series for counters and histograms, every {@code
 * finished_reason} series pre-created, the deprecated {@code gpu_*} names hidden as v0.11 hides
 * them.
 */
public final class VllmMetricsV1 {

  private VllmMetricsV1() {}

  /** Renders the exposition; process metrics are real values for this JVM. */
  public static String render(ReplicaMetricsSource src) {
    Exposition x = new Exposition();
    ProcessMetrics.write(x);
    EngineMetrics m = src.metrics();
    EngineGauges g = m.gauges();
    String[] l = {"engine", "0", "model_name", src.model()};
    String[] before = {"engine", "0"};
    String[] after = {"model_name", src.model()};
    double created = src.startEpochSeconds();

    x.family("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.")
        .sample("vllm:num_requests_running", g.running(), l);
    x.family("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.")
        .sample("vllm:num_requests_waiting", g.waiting(), l);
    x.family("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.")
        .sample("vllm:kv_cache_usage_perc", g.kvUsage(), l);
    counter(
        x,
        "vllm:prefix_cache_queries",
        "Prefix cache queries, in terms of number of queried tokens.",
        m.prefixQueries.get(),
        created,
        l);
    counter(
        x,
        "vllm:prefix_cache_hits",
        "Prefix cache hits, in terms of number of cached tokens.",
        m.prefixHits.get(),
        created,
        l);
    counter(
        x,
        "vllm:num_preemptions",
        "Cumulative number of preemption from the engine.",
        m.preemptions.get(),
        created,
        l);
    counter(
        x,
        "vllm:prompt_tokens",
        "Number of prefill tokens processed.",
        m.promptTokens.get(),
        created,
        l);
    counter(
        x,
        "vllm:generation_tokens",
        "Number of generation tokens processed.",
        m.generationTokens.get(),
        created,
        l);
    successCounter(x, m, created, src.model());

    histogram(
        x,
        "vllm:request_prompt_tokens",
        "Number of prefill tokens processed.",
        m.requestPromptTokens,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_generation_tokens",
        "Number of generation tokens processed.",
        m.requestGenerationTokens,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:iteration_tokens_total",
        "Histogram of number of tokens per engine_step.",
        m.iterationTokens,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_max_num_generation_tokens",
        "Histogram of maximum number of requested generation tokens.",
        m.requestMaxNumGenerationTokens,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_params_n",
        "Histogram of the n request parameter.",
        m.requestParamsN,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_params_max_tokens",
        "Histogram of the max_tokens request parameter.",
        m.requestParamsMaxTokens,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:time_to_first_token_seconds",
        "Histogram of time to first token in seconds.",
        m.ttft,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:time_per_output_token_seconds",
        "Histogram of time per output token in seconds.DEPRECATED: Use"
            + " vllm:inter_token_latency_seconds instead.",
        m.interToken,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:inter_token_latency_seconds",
        "Histogram of inter-token latency in seconds.",
        m.interToken,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:e2e_request_latency_seconds",
        "Histogram of e2e request latency in seconds.",
        m.e2e,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_queue_time_seconds",
        "Histogram of time spent in WAITING phase for request.",
        m.queue,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_inference_time_seconds",
        "Histogram of time spent in RUNNING phase for request.",
        m.inference,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_prefill_time_seconds",
        "Histogram of time spent in PREFILL phase for request.",
        m.prefill,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_decode_time_seconds",
        "Histogram of time spent in DECODE phase for request.",
        m.decode,
        created,
        before,
        after);
    histogram(
        x,
        "vllm:request_time_per_output_token_seconds",
        "Histogram of time_per_output_token_seconds per request.",
        m.requestTimePerOutputToken,
        created,
        before,
        after);
    cacheConfig(x, src);
    return x.toString();
  }

  private static void counter(
      Exposition x, String base, String help, double value, double created, String[] l) {
    x.family(base + "_total", "counter", help).sample(base + "_total", value, l);
    x.family(base + "_created", "gauge", help).sample(base + "_created", created, l);
  }

  private static void successCounter(Exposition x, EngineMetrics m, double created, String model) {
    String help = "Count of successfully processed requests.";
    FinishReason[] order = {FinishReason.STOP, FinishReason.LENGTH, FinishReason.ABORT};
    x.family("vllm:request_success_total", "counter", help);
    for (FinishReason r : order) {
      x.sample(
          "vllm:request_success_total",
          m.finished(r),
          "engine",
          "0",
          "finished_reason",
          r.wire(),
          "model_name",
          model);
    }
    x.family("vllm:request_success_created", "gauge", help);
    for (FinishReason r : order) {
      x.sample(
          "vllm:request_success_created",
          created,
          "engine",
          "0",
          "finished_reason",
          r.wire(),
          "model_name",
          model);
    }
  }

  private static void histogram(
      Exposition x,
      String name,
      String help,
      Histogram h,
      double created,
      String[] before,
      String[] after) {
    x.family(name, "histogram", help).histogram(name, h.snapshot(), before, after, false);
    x.family(name + "_created", "gauge", help)
        .sample(name + "_created", created, Exposition.concat(before, after));
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
        "calculate_kv_scales",
        "False",
        "cpu_kvcache_space_bytes",
        "None",
        "cpu_offload_gb",
        "0.0",
        "enable_prefix_caching",
        src.prefixCachingLabel(),
        "engine",
        "0",
        "gpu_memory_utilization",
        "0.9",
        "is_attention_free",
        "False",
        "kv_sharing_fast_prefill",
        "False",
        "mamba_cache_dtype",
        "auto",
        "mamba_page_size_padded",
        "None",
        "mamba_ssm_cache_dtype",
        "auto",
        "num_cpu_blocks",
        "None",
        "num_gpu_blocks",
        Integer.toString(src.profile().kvBlocks()),
        "num_gpu_blocks_override",
        "None",
        "prefix_caching_hash_algo",
        "builtin",
        "sliding_window",
        "None",
        "swap_space",
        "4.0",
        "swap_space_bytes",
        "4294967296.0");
  }
}
