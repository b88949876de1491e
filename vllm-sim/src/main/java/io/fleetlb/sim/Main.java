package io.fleetlb.sim;

/** Placeholder entry point while the simulator is being built. */
public final class Main {
  public static void main(String[] args) {
  }
}
