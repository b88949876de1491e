package io.fleetlb.lb.auth;

/**
 * A token bucket holding at most {@code capacity} tokens and refilled continuously at
 * {@code capacity} per minute, as OpenAI's per-minute limits behave: a full minute's allowance
 * may be spent at once, then it comes back gradually. Thread-safe (a key's requests arrive on
 * every event loop); times are {@link System#nanoTime} based and passed in, so tests run on a
 * virtual clock.
 */
public final class TokenBucket {
  private static final long MINUTE_NANOS = 60_000_000_000L;
  private final long capacity;
  private double tokens;
  private long updatedNanos;

  /** A full bucket. */
  public TokenBucket(long capacity, long nowNanos) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
    }
    this.capacity = capacity;
    this.tokens = capacity;
    this.updatedNanos = nowNanos;
  }

  /** A bucket with another capacity that keeps this one's fill ratio (a reloaded limit). */
  public synchronized TokenBucket resized(long newCapacity, long nowNanos) {
    refill(nowNanos);
    TokenBucket b = new TokenBucket(newCapacity, nowNanos);
    b.tokens = Math.min(newCapacity, tokens / capacity * newCapacity);
    return b;
  }

  /** The limit: tokens per minute, and the most the bucket holds. */
  public long capacity() {
    return capacity;
  }

  /**
   * Takes {@code cost} tokens if the bucket holds them. Returns 0 when taken, otherwise how long
   * (nanoseconds) until it will hold them; {@link Long#MAX_VALUE} when it never can (the cost is
   * above the capacity).
   */
  public synchronized long tryTake(long cost, long nowNanos) {
    refill(nowNanos);
    if (cost <= tokens) {
      tokens -= cost;
      return 0;
    }
    if (cost > capacity) {
      return Long.MAX_VALUE;
    }
    return (long) Math.ceil((cost - tokens) * MINUTE_NANOS / capacity);
  }

  /** Gives back tokens taken for a request the router then did not serve. */
  public synchronized void refund(long cost, long nowNanos) {
    refill(nowNanos);
    tokens = Math.min(capacity, tokens + cost);
  }

  /** Whole tokens available now. */
  public synchronized long remaining(long nowNanos) {
    refill(nowNanos);
    return (long) Math.floor(tokens);
  }

  /** How long until the bucket is full again, in nanoseconds. */
  public synchronized long untilFull(long nowNanos) {
    refill(nowNanos);
    return (long) Math.ceil((capacity - tokens) * MINUTE_NANOS / capacity);
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - updatedNanos;
    if (elapsed > 0) {
      tokens = Math.min(capacity, tokens + (double) elapsed * capacity / MINUTE_NANOS);
      updatedNanos = nowNanos;
    }
  }
}
