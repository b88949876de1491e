package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.FaultSchedule.Fault;
import io.fleetlb.lb.soak.SoakTopology.Sim;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Plays the fault schedule against the running fleet and records when each fault really began,
 * when it was lifted and when the replica could serve again (a killed replica: its new process
 * answering {@code /health}).
 */
final class FaultRunner {
  /** A fault as it happened; times in epoch microseconds, -1 when it did not happen. */
  static final class Event {
    final Fault fault;
    volatile long startUs = -1;
    volatile long healUs = -1;
    /** When the replica could serve again (= healUs except for a kill: the restart's /health). */
    volatile long readyUs = -1;
    volatile String problem;

    Event(Fault fault) {
      this.fault = fault;
    }
  }

  private final SoakProcesses processes;
  private final Path simDir;
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(2, r -> {
    Thread t = new Thread(r, "soak-faults");
    t.setDaemon(true);
    return t;
  });
  private final List<Event> events = new ArrayList<>();

  FaultRunner(SoakProcesses processes, Path simDir) {
    this.processes = processes;
    this.simDir = simDir;
  }

  /** Schedules every fault relative to {@code originUs}; returns their events (filled later). */
  List<Event> play(List<Fault> faults, long originUs) {
    for (Fault f : faults) {
      Event e = new Event(f);
      events.add(e);
      timer.schedule(() -> begin(e), delay(originUs, f.at()), TimeUnit.MICROSECONDS);
      timer.schedule(() -> heal(e), delay(originUs, f.end()), TimeUnit.MICROSECONDS);
    }
    return events;
  }

  private static long delay(long originUs, double seconds) {
    return Math.max(0, originUs + (long) (seconds * 1e6) - ClientRecord.nowUs());
  }

  private void begin(Event e) {
    try {
      long now = ClientRecord.nowUs();
      toggle(e, true);
      e.startUs = now;
      System.err.printf("soak: %s %s%n", e.fault.kind().label, e.fault.target());
    } catch (Exception ex) {
      e.problem = "could not start: " + ex;
    }
  }

  private void heal(Event e) {
    if (e.startUs < 0) {
      return;
    }
    try {
      e.healUs = ClientRecord.nowUs();
      toggle(e, false);
      e.readyUs = ClientRecord.nowUs();
      System.err.printf("soak: healed %s %s%n", e.fault.kind().label, e.fault.target());
    } catch (Exception ex) {
      e.problem = "could not heal: " + ex;
    }
  }

  /** Starts ({@code on}) or lifts a fault; lifting a kill starts a new replica and waits for it. */
  private void toggle(Event e, boolean on) throws Exception {
    Fault f = e.fault;
    String name = "sim-" + f.target();
    switch (f.kind()) {
      case KILL -> {
        if (on) {
          processes.kill(name);
        } else {
          Sim sim = SoakTopology.sim(f.target());
          Process p = processes.startSim(sim, simDir.resolve(sim.id() + ".requests.jsonl"));
          SoakProcesses.awaitHealthy(sim.url() + "/health", p, Duration.ofSeconds(60));
        }
      }
      case FREEZE -> processes.signal(name, on ? "STOP" : "CONT");
      case STALL -> faults(f.target(), on ? "{\"stall_after\":5}" : "{\"stall_after\":-1}");
      case ERRORS -> faults(f.target(), on ? "{\"error_rate\":0.5}" : "{\"error_rate\":0.0}");
      case SLOW -> faults(f.target(), on ? "{\"slowdown\":3.0}" : "{\"slowdown\":1.0}");
      case BURST -> { }
      default -> throw new IllegalStateException(f.kind().name());
    }
  }

  private static void faults(String replica, String json) throws InterruptedException {
    int status = SoakProcesses.post(SoakTopology.sim(replica).url() + "/sim/faults", json);
    if (status != 200) {
      throw new IllegalStateException("POST /sim/faults " + json + " answered " + status);
    }
  }

  void stop() throws InterruptedException {
    timer.shutdownNow();
    timer.awaitTermination(70, TimeUnit.SECONDS);
  }
}
