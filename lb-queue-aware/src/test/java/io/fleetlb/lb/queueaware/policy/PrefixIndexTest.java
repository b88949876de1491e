package io.fleetlb.lb.queueaware.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The index's bounds on an injected clock: a fixed capacity, LRU within a set, the TTL. */
class PrefixIndexTest {
  private static final long TTL = 1_000;

  /** Keys that all fall into set 0 (the set is the low bits of key ^ key >>> 32). */
  private static long sameSet(int j) {
    return (long) j << 32 | j;
  }

  @Test
  void theCapacityIsFixedWhateverIsRecorded() {
    PrefixIndex index = new PrefixIndex(1000, TTL);
    assertThat(index.capacity()).as("rounded up to a power of two").isEqualTo(1024);
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 50_000; i++) {
      index.record(random.nextLong() | 1, 1, i / 100);
    }
    assertThat(index.occupied()).isEqualTo(1024);
    assertThat(index.evictions()).as("live entries displaced").isGreaterThan(40_000);
  }

  @Test
  void aFullSetReplacesItsLeastRecentlyRecordedEntry() {
    PrefixIndex index = new PrefixIndex(1024, TTL);
    for (int j = 1; j <= PrefixIndex.WAYS; j++) {
      index.record(sameSet(j), 1, j);
    }
    index.record(sameSet(1), 2, 9);
    index.record(sameSet(9), 1, 10);
    assertThat(index.owners(sameSet(2), 10)).as("the least recent, replaced").isZero();
    assertThat(index.owners(sameSet(1), 10)).as("refreshed at 9, kept").isEqualTo(3);
    assertThat(index.owners(sameSet(9), 10)).isEqualTo(1);
    assertThat(index.owners(sameSet(3), 10)).isEqualTo(1);
    assertThat(index.evictions()).isEqualTo(1);
  }

  @Test
  void anEntryCountsForItsTtlAndRestartsFromTheNextRecordAfterIt() {
    PrefixIndex index = new PrefixIndex(1024, TTL);
    index.record(42, 1, 100);
    index.record(42, 2, 100);
    assertThat(index.owners(42, 100 + TTL)).isEqualTo(3);
    assertThat(index.owners(42, 101 + TTL)).isZero();
    index.record(42, 4, 200 + TTL);
    assertThat(index.owners(42, 200 + TTL)).as("the expired slots are gone").isEqualTo(4);
    // An expired entry is the first to go when its set is full (and no live one is evicted).
    assertThat(index.evictions()).isZero();
  }

  @Test
  void aReplicaThatLeavesIsForgottenEverywhere() {
    PrefixIndex index = new PrefixIndex(1024, TTL);
    index.record(7, 1, 0);
    index.record(7, 2, 0);
    index.record(8, 2, 0);
    index.forget(2);
    assertThat(index.owners(7, 0)).isEqualTo(1);
    assertThat(index.owners(8, 0)).isZero();
  }
}
