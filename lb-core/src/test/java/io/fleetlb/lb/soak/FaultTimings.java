package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.FaultSchedule.Kind;
import io.fleetlb.lb.soak.ReplicaWatch.Transition;
import java.util.List;

/**
 * How one router reacted to one replica fault, from the availability it reported every 200 ms:
 * how long after the fault began it stopped sending the replica requests, how many times it took
 * the replica out (from the fault's start until 30 s after the replica could serve again: a
 * stalled stream is found out only when it times out), and how long the replica then took to be
 * back in the router's rotation.
 *
 * @param ejectAfterS seconds from the fault to the replica's first unavailability (NaN: it stayed
 *     available, as it may for a slow replica)
 * @param timesOut transitions to unavailable in that window
 * @param readmitAfterS seconds from the later of "able to serve again" and its last removal to
 *     its return (NaN when it was never out, or never came back); when it came back before the
 *     fault was lifted (its {@code /health} passed meanwhile), seconds from its last removal
 * @param back whether it was in rotation again after its last removal (true when never out)
 * @param backWhileFaulty whether it came back before the fault was lifted
 */
record FaultTimings(String router, FaultRunner.Event event, double ejectAfterS, int timesOut,
    double readmitAfterS, boolean back, boolean backWhileFaulty) {

  static FaultTimings of(String router, FaultRunner.Event e, List<Transition> transitions) {
    String replica = e.fault.target();
    long start = e.startUs;
    long until = Math.max(e.startUs, e.readyUs) + 30_000_000L;
    double eject = Double.NaN;
    int out = 0;
    long lastOut = -1;
    long backAt = -1;
    for (Transition t : transitions) {
      if (!t.router().equals(router) || !t.replica().equals(replica) || t.atUs() < start) {
        continue;
      }
      if (!t.available() && t.atUs() <= until) {
        out++;
        lastOut = t.atUs();
        backAt = -1;
        if (Double.isNaN(eject)) {
          eject = (t.atUs() - start) / 1e6;
        }
      } else if (t.available() && lastOut >= 0 && backAt < 0) {
        backAt = t.atUs();
      }
    }
    boolean early = backAt >= 0 && backAt < e.readyUs;
    double readmit = lastOut < 0 || backAt < 0 ? Double.NaN
        : (backAt - (early ? lastOut : Math.max(lastOut, e.readyUs))) / 1e6;
    return new FaultTimings(router, e, eject, out, readmit, lastOut < 0 || backAt >= 0, early);
  }

  /** Whether this fault concerns one replica (a burst concerns a model). */
  static boolean replicaFault(FaultRunner.Event e) {
    return e.fault.kind() != Kind.BURST;
  }
}
