package io.fleetlb.bench.telemetry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.Sample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Reads the fields the bench keeps from a parsed scrape: per GPU from dcgm-exporter's series
 * (utilization %, SM active, power W, energy counter, memory, temperature), and per server from
 * vLLM's {@code /metrics} (running, waiting, KV-cache usage, preemptions, token counters), V1 and
 * V0 names alike, summed over the {@code engine} label.
 */
public final class Readings {
  private Readings() {}

  /** One JSON object per GPU on the page (only {@code gpuFilter} when given). */
  public static List<ObjectNode> dcgm(MetricsSnapshot m, String gpuFilter) {
    Map<String, ObjectNode> byGpu = new LinkedHashMap<>();
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_GPU_UTIL", "util_pct", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_PROF_GR_ENGINE_ACTIVE", "gr_engine_active", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_PROF_SM_ACTIVE", "sm_active", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_POWER_USAGE", "power_w", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "energy_j", 1e-3);
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_FB_USED", "fb_used_mib", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_FB_FREE", "fb_free_mib", 1);
    put(m, byGpu, gpuFilter, "DCGM_FI_DEV_GPU_TEMP", "temp_c", 1);
    return new ArrayList<>(byGpu.values());
  }

  private static void put(
      MetricsSnapshot m,
      Map<String, ObjectNode> byGpu,
      String gpuFilter,
      String name,
      String field,
      double scale) {
    for (Sample s : m.samples(name)) {
      String gpu = s.label("gpu");
      if (gpu == null) {
        gpu = "0";
      }
      if (gpuFilter != null && !gpuFilter.equals(gpu)) {
        continue;
      }
      ObjectNode o =
          byGpu.computeIfAbsent(
              gpu,
              g -> {
                ObjectNode n = JsonNodeFactory.instance.objectNode();
                n.put("gpu", g);
                return n;
              });
      if (!o.has("uuid") && s.label("UUID") != null) {
        o.put("uuid", s.label("UUID"));
      }
      if (!o.has("model_name") && s.label("modelName") != null) {
        o.put("model_name", s.label("modelName"));
      }
      if (Double.isFinite(s.value())) {
        o.put(field, s.value() * scale);
      }
    }
  }

  /** The vLLM engine state of one server; null fields are left out. */
  public static ObjectNode vllm(MetricsSnapshot m) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    String model = null;
    for (Sample s : m.samples("vllm:num_requests_running")) {
      if (s.label("model_name") != null) {
        model = s.label("model_name");
        break;
      }
    }
    if (model != null) {
      o.put("model", model);
    }
    put(o, "running", m.sumOf("vllm:num_requests_running"));
    OptionalDouble waiting = m.sumOf("vllm:num_requests_waiting");
    OptionalDouble swapped = m.sumOf("vllm:num_requests_swapped");
    if (waiting.isPresent()) {
      o.put("waiting", waiting.getAsDouble() + swapped.orElse(0));
    }
    OptionalDouble kv = m.sumOf("vllm:kv_cache_usage_perc");
    put(o, "kv_usage", kv.isPresent() ? kv : m.sumOf("vllm:gpu_cache_usage_perc"));
    put(o, "preemptions_total", m.sumOf("vllm:num_preemptions_total"));
    put(o, "prompt_tokens_total", m.sumOf("vllm:prompt_tokens_total"));
    put(o, "generation_tokens_total", m.sumOf("vllm:generation_tokens_total"));
    put(o, "request_success_total", m.sumOf("vllm:request_success_total"));
    return o;
  }

  private static void put(ObjectNode o, String key, OptionalDouble v) {
    if (v.isPresent() && Double.isFinite(v.getAsDouble())) {
      o.put(key, v.getAsDouble());
    }
  }
}
