package io.fleetlb.sim.engine;

/**
 * The simulated GPU behind a replica: what its telemetry reports.
 *
 * @param name the device name as NVIDIA tools print it
 * @param idleWatts power draw with no kernel running
 * @param tdpWatts board power limit
 * @param memoryTotalMiB framebuffer size
 * @param memoryUsedMiB framebuffer in use once vLLM has pre-allocated weights and KV cache
 */
public record GpuSpec(
    String name, double idleWatts, double tdpWatts, long memoryTotalMiB, long memoryUsedMiB) {

  /** An H100 SXM 80 GB with vLLM's default 0.9 memory utilisation pre-allocated. */
  public static GpuSpec h100Sxm() {
    return new GpuSpec("NVIDIA H100 80GB HBM3", 72.0, 700.0, 81_559, 73_915);
  }
}
