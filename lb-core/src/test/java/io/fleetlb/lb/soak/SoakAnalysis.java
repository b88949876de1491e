package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.FaultSchedule.Kind;
import io.fleetlb.lb.soak.ReplicaWatch.Transition;
import io.fleetlb.lb.soak.SoakLogs.Access;
import io.fleetlb.lb.soak.SoakLogs.Attempt;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sorts every request of one router into what the soak reports: succeeded, left by its client on
 * purpose, refused as expected (401, 403, 429, 503 from the router's queue), or failed; and a
 * failure into unavoidable (its stream was already relayed from a replica that was then killed,
 * frozen or stalled, so it could only end with an error event) or avoidable (anything else: a
 * request the router could have answered). It also finds duplicates in the replicas' request
 * logs (see {@link #upstream}).
 */
final class SoakAnalysis {
  /** Faults after which a relayed stream can only end with an error. */
  private static final Set<Kind> BREAKING = Set.of(Kind.KILL, Kind.FREEZE, Kind.STALL);
  private static final int EXAMPLES = 12;

  /** The figures of one router. */
  static final class Figures {
    final String router;
    int sent;
    int succeeded;
    int cancelled;
    /** Of those, clients that left before any output (waiting in the queue or in prefill). */
    int cancelledBeforeOutput;
    final Map<String, Integer> refused = new TreeMap<>();
    final Map<String, Integer> unavoidable = new TreeMap<>();
    final Map<String, Integer> avoidable = new TreeMap<>();
    final List<String> avoidableExamples = new ArrayList<>();
    /** Per request kind: outcome class to count. */
    final Map<String, Map<String, Integer>> byKind = new TreeMap<>();
    int duplicates;
    final List<String> duplicateExamples = new ArrayList<>();
    /** Requests that reached two or more replicas (retries before any output). */
    int retried;
    /** Requests with output on two replicas, one written after the router had abandoned it. */
    int lateOutputOnAbandoned;
    /** Requests whose client left while a replica went on generating for 2 s or more. */
    int generatedAfterClientLeft;
    int notInAccessLog;
    int loggedTwice;

    Figures(String router) {
      this.router = router;
    }

    int failedUnavoidable() {
      return unavoidable.values().stream().mapToInt(Integer::intValue).sum();
    }

    int failedAvoidable() {
      return avoidable.values().stream().mapToInt(Integer::intValue).sum();
    }

    int refusedTotal() {
      return refused.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private final List<FaultRunner.Event> faults;
  private final List<Transition> transitions;
  private final Map<String, List<Attempt>> attempts;

  SoakAnalysis(List<FaultRunner.Event> faults, List<Transition> transitions,
      Map<String, List<Attempt>> attempts) {
    this.faults = faults;
    this.transitions = transitions;
    this.attempts = attempts;
  }

  Figures analyse(String router, List<ClientRecord> records, Map<String, List<Access>> access) {
    Figures f = new Figures(router);
    for (ClientRecord r : records) {
      f.sent++;
      List<Access> logged = access.get(r.requestId);
      if (logged == null) {
        f.notInAccessLog++;
      } else if (logged.size() > 1) {
        f.loggedTwice++;
      }
      Access a = logged == null ? null : logged.get(0);
      String outcome = classify(f, r, a);
      f.byKind.computeIfAbsent(r.plan.kind().name().toLowerCase(), k -> new TreeMap<>())
          .merge(outcome, 1, Integer::sum);
      upstream(f, r);
    }
    return f;
  }

  private String classify(Figures f, ClientRecord r, Access a) {
    TrafficPlan.Kind kind = r.plan.kind();
    if (r.cancelled()) {
      f.cancelled++;
      if (r.firstTokenUs < 0) {
        f.cancelledBeforeOutput++;
      }
      return "cancelled";
    }
    String refusal = expectedRefusal(r, a);
    if (refusal != null) {
      f.refused.merge(refusal, 1, Integer::sum);
      return "refused";
    }
    boolean mayPass = kind != TrafficPlan.Kind.NO_KEY && kind != TrafficPlan.Kind.BAD_KEY
        && !(kind == TrafficPlan.Kind.RESTRICTED && !r.plan.model().equals(SoakTopology.LLAMA_8B));
    if (r.complete() && mayPass) {
      f.succeeded++;
      return "succeeded";
    }
    String reason = mayPass ? failureReason(r, a) : "answered without a valid key or permission";
    String excuse = mayPass && !r.timedOut && r.firstTokenUs >= 0 ? excuse(r) : null;
    if (excuse != null) {
      f.unavoidable.merge(reason + " (" + excuse + ")", 1, Integer::sum);
      return "failed, unavoidable";
    }
    f.avoidable.merge(reason, 1, Integer::sum);
    if (f.avoidableExamples.size() < EXAMPLES) {
      f.avoidableExamples.add(r.requestId + ": " + reason + "; " + r.toJson().encode());
    }
    return "failed, avoidable";
  }

  /** The refusal this request could expect, or null if its answer was not one. */
  private static String expectedRefusal(ClientRecord r, Access a) {
    TrafficPlan.Kind kind = r.plan.kind();
    String reason = a == null ? "" : a.reason();
    return switch (r.status) {
      case 401 -> kind == TrafficPlan.Kind.NO_KEY || kind == TrafficPlan.Kind.BAD_KEY
          ? "401 " + r.error : null;
      case 403 -> kind == TrafficPlan.Kind.RESTRICTED
          && !r.plan.model().equals(SoakTopology.LLAMA_8B) ? "403 " + r.error : null;
      case 429 -> kind == TrafficPlan.Kind.RATE_LIMITED ? "429 " + r.error : null;
      case 503 -> reason.equals("queue_full") || reason.equals("queue_timeout")
          ? "503 " + reason : null;
      default -> null;
    };
  }

  private static String failureReason(ClientRecord r, Access a) {
    if (r.timedOut) {
      return "hung (no end within " + SoakClient.DEADLINE_MILLIS / 1000 + " s)";
    }
    if (a != null && !a.reason().equals("complete")) {
      return a.status() + " " + a.reason();
    }
    if (r.transportError != null) {
      return "connection error: " + r.transportError.replaceAll("[0-9.:]+", "#");
    }
    if (r.status == 200) {
      return "incomplete stream (done=" + r.done + ", finish=" + r.finishSeen + ", tokens="
          + r.tokens + ", usage=" + r.usageTokens + ", error=" + r.error + ")";
    }
    return r.status + " " + r.error;
  }

  /**
   * Why a relayed stream could not have ended well, or null: it was open on its replica when that
   * replica was killed, frozen or stalled, or it started there while the fault was on (a stalled
   * replica still sends a stream's first tokens) and either before the router had taken the
   * replica out or after the router let it back in because its {@code /health} passed while the
   * fault went on (a stall is found out only by the streams it breaks).
   */
  private String excuse(ClientRecord r) {
    for (FaultRunner.Event e : faults) {
      if (e.startUs < 0 || !BREAKING.contains(e.fault.kind()) || !e.fault.target().equals(r.replica)
          || r.endUs < e.startUs) {
        continue;
      }
      if (r.firstTokenUs < e.startUs) {
        return "open on " + r.replica + " at its " + e.fault.kind().label;
      }
      // When the replica got the request (its own log), not when the client saw the first
      // token: a request that arrived just before the fault was lifted still stalls.
      long arrived = arrivedUs(r);
      if (e.readyUs >= 0 && arrived > e.readyUs) {
        continue;
      }
      long out = firstOut(r.router, r.replica, e.startUs);
      return "started on " + r.replica + " during its " + e.fault.kind().label
          + (out < 0 || arrived <= out ? ", before the router took it out"
              : ", after the router let it back in (its /health passed)");
    }
    return null;
  }

  /** When the answering replica received the request (the client's first token if unknown). */
  private long arrivedUs(ClientRecord r) {
    long at = -1;
    for (Attempt a : attempts.getOrDefault(r.requestId, List.of())) {
      if (a.replica.equals(r.replica)) {
        at = Math.max(at, a.receivedUs);
      }
    }
    return at >= 0 ? at : r.firstTokenUs;
  }

  /** When the router first saw the replica unavailable at or after {@code fromUs} (-1: never). */
  long firstOut(String router, String replica, long fromUs) {
    for (Transition t : transitions) {
      if (t.router().equals(router) && t.replica().equals(replica) && !t.available()
          && t.atUs() >= fromUs) {
        return t.atUs();
      }
    }
    return -1;
  }

  /**
   * What the replicas' logs say about the request: retries, duplicates, work after leaving. A
   * duplicate is output written for the request by a replica before the request reached the
   * replica whose answer the client got (the router re-sent a request that had already produced
   * output); without such an answer, output on two replicas where one wrote before the other
   * received the request. Output that a replica wrote after the request had reached the answering
   * replica (a frozen replica resuming, finding a request the router gave up on while it was
   * frozen) is counted apart: the router had abandoned that attempt before it produced anything.
   */
  private void upstream(Figures f, ClientRecord r) {
    List<Attempt> tries = attempts.getOrDefault(r.requestId, List.of());
    if (tries.size() > 1) {
      f.retried++;
    }
    Attempt answering = null;
    for (Attempt a : tries) {
      if (a.replica.equals(r.replica)
          && (answering == null || a.receivedUs > answering.receivedUs)) {
        answering = a;
      }
    }
    boolean duplicate = false;
    int withOutput = 0;
    for (Attempt b : tries) {
      if (b.firstTokenUs < 0) {
        continue;
      }
      withOutput++;
      if (b == answering) {
        continue;
      }
      if (answering != null) {
        duplicate |= b.firstTokenUs < answering.receivedUs;
      } else {
        for (Attempt c : tries) {
          duplicate |= c != b && c.firstTokenUs >= 0 && c.receivedUs > b.firstTokenUs;
        }
      }
    }
    if (duplicate) {
      f.duplicates++;
      if (f.duplicateExamples.size() < EXAMPLES) {
        f.duplicateExamples.add(r.requestId + " (answered by " + r.replica + "): "
            + describe(tries));
      }
    } else if (withOutput > 1) {
      f.lateOutputOnAbandoned++;
    }
    if (r.cancelled()) {
      for (Attempt a : tries) {
        if ("finished".equals(a.outcome) && a.endUs > r.cancelledUs + 2_000_000) {
          f.generatedAfterClientLeft++;
          break;
        }
      }
    }
  }

  private static String describe(List<Attempt> tries) {
    StringBuilder b = new StringBuilder();
    for (Attempt a : tries) {
      b.append(String.format("[%s received %d first token %d tokens %d %s] ", a.replica,
          a.receivedUs, a.firstTokenUs, a.tokens, a.outcome));
    }
    return b.toString().trim();
  }
}
