package io.fleetlb.lb.queueaware.eval;

import java.util.List;
import java.util.PriorityQueue;

/**
 * When each request of a virtual run is due: a request of its own and the first turn of a
 * session at its offset (open loop), a later turn at its previous turn's finish plus its think
 * time (closed within a session, as bench's {@code TurnPacer} releases it). Due requests leave in
 * time order, ties in file order.
 */
final class Arrivals {
  private record Due(long atNanos, int index) {}

  private final List<Workload.Request> requests;
  private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.atNanos() != b.atNanos()
      ? Long.compare(a.atNanos(), b.atNanos()) : Integer.compare(a.index(), b.index()));

  Arrivals(List<Workload.Request> requests) {
    this.requests = requests;
    for (int i = 0; i < requests.size(); i++) {
      Workload.Turn t = requests.get(i).turn();
      if (t == null || t.index() == 0) {
        due.add(new Due(requests.get(i).atNanos(), i));
      } else if (i == 0 || !follows(i - 1, i)) {
        throw new IllegalArgumentException("request " + i + ": turn " + t.index() + " of session "
            + t.session() + " does not follow its previous turn");
      }
    }
  }

  /** When the next request is due, {@link Long#MAX_VALUE} when none is (yet). */
  long next() {
    Due d = due.peek();
    return d == null ? Long.MAX_VALUE : d.atNanos();
  }

  /** Takes the next due request's index. */
  int take() {
    return due.remove().index();
  }

  /** Request {@code index} finished at {@code nanos}: its session's next turn becomes due. */
  void finished(int index, long nanos) {
    int next = index + 1;
    if (requests.get(index).turn() != null && next < requests.size() && follows(index, next)) {
      due.add(new Due(nanos + requests.get(next).turn().thinkNanos(), next));
    }
  }

  private boolean follows(int previous, int index) {
    Workload.Turn a = requests.get(previous).turn();
    Workload.Turn b = requests.get(index).turn();
    return a != null && b != null && a.session() == b.session() && b.index() == a.index() + 1;
  }
}
