package io.fleetlb.sim.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Runs an engine against a list of arrivals entirely in virtual time, with no threads and no clock.
 *
 * <p>This is how the engine's behaviour is tested deterministically and how the calibration table
 * is printed; the real-time driver runs the same engine with the same two calls per step.
 */
public final class VirtualRun {

  private final Engine engine;
  private final PriorityQueue<Arrival> arrivals =
      new PriorityQueue<>(
          (a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private final Map<Long, Integer> idToTag = new HashMap<>();
  private final Map<Integer, List<Long>> tokenTimes = new HashMap<>();
  private final Map<Integer, Long> arrivalTimes = new HashMap<>();
  private final List<StepPlan> steps = new ArrayList<>();
  private long now;
  private long order;

  public VirtualRun(Engine engine) {
    this.engine = engine;
  }

  /**
   * Schedules a sequence arriving at virtual time {@code at}; {@code tag} names it in the results.
   */
  public VirtualRun arrive(long at, int tag, SequenceSpec spec) {
    arrivals.add(new Arrival(at, order++, tag, spec));
    return this;
  }

  /** Runs until every arrival has finished; returns the virtual time of the last step's end. */
  public long runToCompletion() {
    return runUntil(Long.MAX_VALUE);
  }

  /** Runs steps until virtual time reaches {@code limit} or there is nothing left to do. */
  public long runUntil(long limit) {
    while (now < limit) {
      admitArrivals();
      if (engine.idle()) {
        if (arrivals.isEmpty()) {
          break;
        }
        now = Math.max(now, arrivals.peek().at);
        continue;
      }
      StepPlan plan = engine.schedule(now);
      if (plan.isEmpty()) {
        throw new IllegalStateException("engine has work but scheduled nothing at " + now);
      }
      steps.add(plan);
      now = plan.endNanos();
      for (Emission e : engine.complete(plan)) {
        tokenTimes.computeIfAbsent(idToTag.get(e.sequenceId()), k -> new ArrayList<>()).add(now);
      }
    }
    return now;
  }

  /**
   * What the engine would do with {@code spec} arriving now: arrivals already due are taken in
   * first (as the real-time driver takes in its inbox), then {@link Engine#estimate} runs.
   */
  public Estimate estimate(SequenceSpec spec) {
    admitArrivals();
    return engine.estimate(spec, now);
  }

  private void admitArrivals() {
    while (!arrivals.isEmpty() && arrivals.peek().at <= now) {
      Arrival a = arrivals.poll();
      long id = engine.submit(a.spec, a.at);
      idToTag.put(id, a.tag);
      arrivalTimes.put(a.tag, a.at);
    }
  }

  /** Virtual times at which the sequence tagged {@code tag} received each of its tokens. */
  public List<Long> tokenTimes(int tag) {
    return tokenTimes.getOrDefault(tag, List.of());
  }

  /** Time to first token of the sequence tagged {@code tag}, in nanoseconds. */
  public long ttft(int tag) {
    return tokenTimes(tag).get(0) - arrivalTimes.get(tag);
  }

  /** Every step run so far. */
  public List<StepPlan> steps() {
    return steps;
  }

  public long now() {
    return now;
  }

  public Engine engine() {
    return engine;
  }

  private record Arrival(long at, long order, int tag, SequenceSpec spec) {}
}
