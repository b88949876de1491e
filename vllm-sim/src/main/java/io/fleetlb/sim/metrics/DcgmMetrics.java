package io.fleetlb.sim.metrics;

import io.fleetlb.sim.engine.GpuActivity;
import io.fleetlb.sim.engine.GpuSpec;
import java.util.Locale;
import java.util.UUID;

/**
 * The simulated GPU's telemetry in NVIDIA dcgm-exporter's format and metric names, so the bench
 * reads a simulated fleet and real GPUs the same way.
 *
 * <p>Utilisation is the engine's busy fraction over the last second (DCGM's "a kernel was running"
 * semantics). Power rises from idle towards TDP with busy time and with how much of the GPU's
 * compute a step used (a batch-1 decode draws far less than a full prefill); energy integrates that
 * power over the replica's whole (simulated) lifetime. The heuristic: {@code P = idle + (tdp -
 * idle) * (0.45 * busy + 0.5 * load)}, where load is busy time weighted by occupancy.
 */
public final class DcgmMetrics {

  private final GpuSpec gpu;
  private final int index;
  private final String hostname;
  private final String uuid;

  /**
   * Creates the telemetry of one GPU.
   *
   * @param gpu the GPU model
   * @param index GPU index on its (simulated) node
   * @param hostname the {@code Hostname} label (the replica id)
   */
  public DcgmMetrics(GpuSpec gpu, int index, String hostname) {
    this.gpu = gpu;
    this.index = index;
    this.hostname = hostname;
    this.uuid =
        "GPU-"
            + UUID.nameUUIDFromBytes(
                ("vllm-sim:" + hostname).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Renders the exposition at virtual time {@code now} (nanoseconds since the replica started). */
  public String render(GpuActivity activity, long now) {
    GpuActivity.Reading r = activity.read(now);
    double dynamic = gpu.tdpWatts() - gpu.idleWatts();
    double power = gpu.idleWatts() + dynamic * (0.45 * r.recentBusy() + 0.5 * r.recentLoad());
    double energyJoules =
        gpu.idleWatts() * now / 1e9 + dynamic * (0.45 * r.busyNanos() + 0.5 * r.loadNanos()) / 1e9;
    double smActive = Math.min(1.0, 0.3 * r.recentBusy() + 0.7 * r.recentLoad());
    double temperature = 32 + 45 * (power - gpu.idleWatts()) / dynamic;
    String[] l = {
      "gpu",
      Integer.toString(index),
      "UUID",
      uuid,
      "pci_bus_id",
      String.format(Locale.ROOT, "00000000:%02X:00.0", 0x18 + index * 0x10),
      "device",
      "nvidia" + index,
      "modelName",
      gpu.name(),
      "Hostname",
      hostname,
      "DCGM_FI_DRIVER_VERSION",
      "vllm-sim"
    };
    Exposition x = new Exposition();
    x.family("DCGM_FI_DEV_GPU_TEMP", "gauge", "GPU temperature (in C).")
        .sample("DCGM_FI_DEV_GPU_TEMP", Long.toString(Math.round(temperature)), l);
    x.family("DCGM_FI_DEV_POWER_USAGE", "gauge", "Power draw (in W).")
        .sample("DCGM_FI_DEV_POWER_USAGE", String.format(Locale.ROOT, "%.6f", power), l);
    x.family(
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
            "counter",
            "Total energy consumption since boot (in mJ).")
        .sample(
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
            Long.toString(Math.round(energyJoules * 1000)),
            l);
    x.family("DCGM_FI_DEV_GPU_UTIL", "gauge", "GPU utilization (in %).")
        .sample("DCGM_FI_DEV_GPU_UTIL", Long.toString(Math.round(r.recentBusy() * 100)), l);
    x.family("DCGM_FI_DEV_FB_FREE", "gauge", "Framebuffer memory free (in MiB).")
        .sample(
            "DCGM_FI_DEV_FB_FREE", Long.toString(gpu.memoryTotalMiB() - gpu.memoryUsedMiB()), l);
    x.family("DCGM_FI_DEV_FB_USED", "gauge", "Framebuffer memory used (in MiB).")
        .sample("DCGM_FI_DEV_FB_USED", Long.toString(gpu.memoryUsedMiB()), l);
    x.family(
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
            "gauge",
            "Ratio of time the graphics engine is active.")
        .sample(
            "DCGM_FI_PROF_GR_ENGINE_ACTIVE", String.format(Locale.ROOT, "%.6f", r.recentBusy()), l);
    x.family(
            "DCGM_FI_PROF_SM_ACTIVE",
            "gauge",
            "The ratio of cycles an SM has at least 1 warp assigned.")
        .sample("DCGM_FI_PROF_SM_ACTIVE", String.format(Locale.ROOT, "%.6f", smActive), l);
    return x.toString();
  }
}
