package io.fleetlb.sim.replica;

import io.vertx.core.json.JsonObject;

/**
 * A replica's fault injection, adjustable while it runs ({@code POST /sim/faults}) so tests and
 * demos can degrade a replica mid-run.
 */
public final class Faults {

  private final EngineDriver driver;
  private volatile double errorRate;
  private volatile int stallAfter;
  private volatile double slowdown;

  /** Starts from the replica's command-line settings. */
  public Faults(EngineDriver driver, ReplicaOptions options) {
    this.driver = driver;
    this.errorRate = options.errorRate();
    this.stallAfter = options.stallAfter();
    this.slowdown = options.slowdown();
  }

  public double errorRate() {
    return errorRate;
  }

  public int stallAfter() {
    return stallAfter;
  }

  public double slowdown() {
    return slowdown;
  }

  /**
   * Applies any of {@code error_rate}, {@code stall_after}, {@code slowdown}; rejects bad values
   * whole.
   */
  public synchronized void update(JsonObject json) {
    for (String key : json.fieldNames()) {
      if (!key.equals("error_rate") && !key.equals("stall_after") && !key.equals("slowdown")) {
        throw new IllegalArgumentException("unknown field '" + key + "'");
      }
    }
    double newError = json.getDouble("error_rate", errorRate);
    int newStall = json.getInteger("stall_after", stallAfter);
    double newSlow = json.getDouble("slowdown", slowdown);
    if (newError < 0 || newError > 1) {
      throw new IllegalArgumentException("error_rate must be within [0, 1], got " + newError);
    }
    if (newStall < -1) {
      throw new IllegalArgumentException("stall_after must be -1 (off) or >= 0, got " + newStall);
    }
    if (!(newSlow > 0) || !Double.isFinite(newSlow)) {
      throw new IllegalArgumentException("slowdown must be positive, got " + newSlow);
    }
    errorRate = newError;
    stallAfter = newStall;
    if (newSlow != slowdown) {
      slowdown = newSlow;
      driver.setSlowdown(newSlow);
    }
  }

  /** The current settings as JSON. */
  public String toJson() {
    return new JsonObject()
        .put("error_rate", errorRate)
        .put("stall_after", stallAfter)
        .put("slowdown", slowdown)
        .encode();
  }
}
