package io.fleetlb.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The bench's own name and version, recorded in every workload and result it writes. */
public final class BenchVersion {
  public static final String NAME = "fleetlb-bench";
  public static final String VERSION = load();

  private BenchVersion() {}

  /**
   * The garbage collectors in use (their pauses show up as schedule lag), e.g. "Shenandoah Pauses,
   * Shenandoah Cycles".
   */
  public static String garbageCollectors() {
    return String.join(
        ", ",
        java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
            .map(java.lang.management.GarbageCollectorMXBean::getName)
            .toList());
  }

  private static String load() {
    try (InputStream in = BenchVersion.class.getResourceAsStream("version.properties")) {
      if (in == null) {
        return "dev";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "dev");
    } catch (IOException e) {
      return "dev";
    }
  }
}
