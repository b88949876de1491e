package io.fleetlb.bench.calibrate;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's 1/5/15-minute load average (Linux), recorded because calibration shares the CPU.
 */
final class LoadAverage {
  private LoadAverage() {}

  static String read() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }
}
