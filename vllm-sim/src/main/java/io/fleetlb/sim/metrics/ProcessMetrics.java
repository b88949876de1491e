package io.fleetlb.sim.metrics;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code process_*} families {@code prometheus_client} adds in single-process mode, with this
 * JVM's real values (a router's parser must cope with them around the {@code vllm:*} families).
 */
final class ProcessMetrics {

  private static final long PAGE_SIZE = 4096;

  private ProcessMetrics() {}

  static void write(Exposition x) {
    long[] statm = statm();
    if (statm != null) {
      x.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.")
          .sample("process_virtual_memory_bytes", statm[0] * PAGE_SIZE);
      x.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
          .sample("process_resident_memory_bytes", statm[1] * PAGE_SIZE);
    }
    x.family(
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since unix epoch in seconds.")
        .sample(
            "process_start_time_seconds",
            ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0);
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean os) {
      x.family(
              "process_cpu_seconds_total",
              "counter",
              "Total user and system CPU time spent in seconds.")
          .sample("process_cpu_seconds_total", os.getProcessCpuTime() / 1e9);
      x.family("process_open_fds", "gauge", "Number of open file descriptors.")
          .sample("process_open_fds", os.getOpenFileDescriptorCount());
      x.family("process_max_fds", "gauge", "Maximum number of open file descriptors.")
          .sample("process_max_fds", os.getMaxFileDescriptorCount());
    }
  }

  private static long[] statm() {
    try {
      String[] f = Files.readString(Path.of("/proc/self/statm")).trim().split("\\s+");
      return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
    } catch (IOException | RuntimeException e) {
      return null; // not Linux: the families are simply absent, as on other platforms
    }
  }
}
