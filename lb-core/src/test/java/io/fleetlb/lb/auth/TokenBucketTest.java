package io.fleetlb.lb.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenBucketTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void aMinutesAllowanceMayBeSpentAtOnceThenComesBackGradually() {
    TokenBucket b = new TokenBucket(60, 0);
    assertThat(b.tryTake(60, 0)).isZero();
    assertThat(b.remaining(0)).isZero();
    assertThat(b.tryTake(1, 0)).as("one token comes back per second").isEqualTo(SECOND);
    assertThat(b.tryTake(1, SECOND)).isZero();
    assertThat(b.tryTake(10, 2 * SECOND)).isEqualTo(9 * SECOND);
    assertThat(b.untilFull(2 * SECOND)).isEqualTo(59 * SECOND);
    assertThat(b.remaining(1000 * SECOND)).as("never more than the capacity").isEqualTo(60);
  }

  @Test
  void aCostAboveTheCapacityCanNeverPass() {
    TokenBucket b = new TokenBucket(100, 0);
    assertThat(b.tryTake(101, 0)).isEqualTo(Long.MAX_VALUE);
    assertThat(b.remaining(0)).as("nothing taken").isEqualTo(100);
  }

  @Test
  void refundsAndResizingKeepTheFill() {
    TokenBucket b = new TokenBucket(10, 0);
    b.tryTake(8, 0);
    b.refund(3, 0);
    assertThat(b.remaining(0)).isEqualTo(5);
    b.refund(100, 0);
    assertThat(b.remaining(0)).isEqualTo(10);
    b.tryTake(5, 0);
    TokenBucket bigger = b.resized(100, 0);
    assertThat(bigger.capacity()).isEqualTo(100);
    assertThat(bigger.remaining(0)).as("half full stays half full").isEqualTo(50);
  }
}
