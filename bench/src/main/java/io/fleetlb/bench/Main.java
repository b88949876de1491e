package io.fleetlb.bench;

/** Entry point. */
public final class Main {
  public static void main(String[] args) {
  }
}
