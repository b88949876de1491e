package io.fleetlb.lb.soak;

import static io.fleetlb.lb.soak.SoakTopology.LLAMA_70B;
import static io.fleetlb.lb.soak.SoakTopology.LLAMA_8B;
import static io.fleetlb.lb.soak.SoakTopology.QWEN_7B;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * When each fault starts and how long it lasts. The full schedule is written for ten minutes of
 * traffic and its start times stretch or shrink with the run (the durations do not: a replica
 * must stay frozen long enough to be found out); {@code --quick} is its own, denser schedule for
 * two minutes. At most one replica of a model is faulted at a time, so every model can always be
 * served and every failure is attributable to one fault.
 */
final class FaultSchedule {
  /** What is done to a replica (or, for {@code BURST}, to a model's queue). */
  enum Kind {
    /** SIGKILL, then a new process on the same port after {@code seconds}. */
    KILL("kill -9, restart"),
    /** SIGSTOP, SIGCONT after {@code seconds}. */
    FREEZE("SIGSTOP, SIGCONT"),
    /** Every new stream stops after 5 tokens and hangs ({@code stall_after: 5}). */
    STALL("stall mid-stream"),
    /** Half the requests fail with a 500 before any output. */
    ERRORS("500s at 50%"),
    /** Three times slower steps. */
    SLOW("3x slower"),
    /** A burst of long requests for one model, far over its in-flight limits. */
    BURST("overload burst");

    final String label;

    Kind(String label) {
      this.label = label;
    }
  }

  /**
   * One fault.
   *
   * @param target a replica id, or for a burst the model
   * @param at seconds after traffic starts
   * @param seconds how long the fault lasts (a burst: over how long its requests are sent)
   */
  record Fault(Kind kind, String target, double at, double seconds) {
    double end() {
      return at + seconds;
    }
  }

  private static final List<Fault> TEN_MINUTES = List.of(
      new Fault(Kind.KILL, "llama8b-1", 30, 15),
      new Fault(Kind.BURST, LLAMA_70B, 75, 1),
      new Fault(Kind.FREEZE, "qwen7b-2", 100, 20),
      new Fault(Kind.STALL, "llama70b-1", 150, 30),
      new Fault(Kind.BURST, LLAMA_8B, 205, 1),
      new Fault(Kind.ERRORS, "llama8b-2", 230, 40),
      new Fault(Kind.SLOW, "llama70b-2", 290, 60),
      new Fault(Kind.BURST, QWEN_7B, 330, 1),
      new Fault(Kind.KILL, "qwen7b-1", 380, 15),
      new Fault(Kind.FREEZE, "llama70b-2", 420, 20),
      new Fault(Kind.STALL, "llama8b-1", 470, 30),
      new Fault(Kind.BURST, LLAMA_70B, 520, 1));

  private static final List<Fault> QUICK = List.of(
      new Fault(Kind.KILL, "llama8b-1", 10, 8),
      new Fault(Kind.BURST, LLAMA_70B, 20, 1),
      new Fault(Kind.FREEZE, "qwen7b-2", 28, 15),
      new Fault(Kind.STALL, "llama70b-1", 48, 18),
      new Fault(Kind.ERRORS, "llama8b-2", 50, 20),
      new Fault(Kind.BURST, QWEN_7B, 72, 1),
      new Fault(Kind.SLOW, "llama70b-2", 78, 20));

  /** Seconds of quiet traffic after the last fault ends, for re-admission and slow start. */
  static final double SETTLE_SECONDS = 20;

  private FaultSchedule() {}

  /** The faults of a run of {@code seconds} of traffic, in start order. */
  static List<Fault> forRun(double seconds, boolean quick) {
    List<Fault> base = quick ? QUICK : TEN_MINUTES;
    double stretch = quick ? 1 : seconds / 600.0;
    List<Fault> out = new ArrayList<>();
    for (Fault f : base) {
      out.add(new Fault(f.kind(), f.target(), f.at() * stretch, f.seconds()));
    }
    out.sort(Comparator.comparingDouble(Fault::at));
    double last = out.stream().mapToDouble(Fault::end).max().orElse(0);
    if (last + SETTLE_SECONDS > seconds) {
      throw new IllegalArgumentException(String.format(
          "%.0f s of traffic cannot hold the fault schedule (the last fault ends at %.0f s, plus"
              + " %.0f s to settle): run at least %d minutes, or --quick", seconds, last,
          SETTLE_SECONDS, quick ? 2 : 5));
    }
    return out;
  }
}
