package io.fleetlb.lb.admission;

/**
 * A request waiting in the router's queue for a replica slot. {@link #wake} is called once, from
 * any thread, when a slot is set aside for it; the implementation moves to its own event loop and
 * must then call {@link Admission#arrived} exactly once, whether it uses the slot or not.
 */
public interface Waiter {
  /** A slot is free for this request: take it now (on the request's own event loop). */
  void wake();
}
