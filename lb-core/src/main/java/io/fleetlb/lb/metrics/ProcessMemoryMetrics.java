package io.fleetlb.lb.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Exports the process's resident set size as {@code process_resident_memory_bytes} (the name the
 * Prometheus client libraries use), read from {@code /proc/self/status}; absent on systems
 * without procfs.
 */
public final class ProcessMemoryMetrics implements MeterBinder {
  private static final Path STATUS = Path.of("/proc/self/status");

  @Override
  public void bindTo(MeterRegistry registry) {
    if (!Files.isReadable(STATUS)) {
      return;
    }
    Gauge.builder("process.resident.memory", ProcessMemoryMetrics::residentBytes)
        .description("Resident memory size of the router process").baseUnit("bytes")
        .register(registry);
  }

  /** The current resident set size in bytes, or NaN when it cannot be read. */
  public static double residentBytes() {
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          String kib = line.substring(6).trim().split("\\s+")[0];
          return Long.parseLong(kib) * 1024.0;
        }
      }
      return Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
