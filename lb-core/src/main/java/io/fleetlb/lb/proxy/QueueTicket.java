package io.fleetlb.lb.proxy;

import io.fleetlb.lb.admission.Waiter;

/**
 * An {@link Exchange}'s place in the router's queue for its model. {@link #wake} may be called
 * from any event loop (where the slot freed); it moves to the exchange's own event loop.
 */
final class QueueTicket implements Waiter {
  final Exchange exchange;
  final String lane;
  final long enqueuedNanos;
  final long deadlineNanos;

  QueueTicket(Exchange exchange, String lane, long enqueuedNanos, long deadlineNanos) {
    this.exchange = exchange;
    this.lane = lane;
    this.enqueuedNanos = enqueuedNanos;
    this.deadlineNanos = deadlineNanos;
  }

  @Override
  public void wake() {
    exchange.owner().onLoop(() -> exchange.woken(this));
  }
}
