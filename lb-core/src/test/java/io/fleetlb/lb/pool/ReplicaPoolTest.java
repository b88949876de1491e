package io.fleetlb.lb.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.lb.config.EjectionConfig;
import io.fleetlb.lb.config.ReplicaConfig;
import io.fleetlb.lb.policy.RequestInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReplicaPoolTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> events = new ArrayList<>();

  private ReplicaPool pool(int perModel, EjectionConfig ejection) {
    List<ReplicaConfig> configs = new ArrayList<>();
    for (String m : List.of("A", "B")) {
      for (int i = 0; i < perModel; i++) {
        configs.add(new ReplicaConfig(m + i, "http://127.0.0.1:" + (8000 + configs.size()), m));
      }
    }
    ReplicaPool p = new ReplicaPool(configs, ejection, now::get);
    p.addListener(new PoolListener() {
      @Override
      public void ejected(Replica r, Ejection e) {
        events.add("ejected " + r + " " + e.duration().toSeconds() + "s #" + e.count()
            + (e.cause() == Ejection.Cause.FAILURES ? "" : " " + e.cause().label()));
      }

      @Override
      public void ejectionSkipped(Replica r) {
        events.add("skipped " + r);
      }

      @Override
      public void readmitted(Replica r) {
        events.add("readmitted " + r);
      }

      @Override
      public void healthChanged(Replica r, boolean healthy) {
        events.add((healthy ? "healthy " : "unhealthy ") + r);
      }
    });
    return p;
  }

  private static EjectionConfig ejection(int failures, int percent) {
    return new EjectionConfig(failures, Duration.ofSeconds(10), Duration.ofSeconds(25), percent);
  }

  private void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  @Test
  void groupsByModelInConfigurationOrder() {
    ReplicaPool p = pool(2, ejection(5, 50));
    assertThat(p.models()).containsExactly("A", "B");
    assertThat(p.available("A")).extracting(Replica::id).containsExactly("A0", "A1");
    assertThat(p.serves("C")).isFalse();
    assertThat(p.available("C")).isEmpty();
    assertThatThrownBy(() -> p.available("A").add(p.replicas().get(2)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void consecutiveFailuresEjectAndSuccessResetsTheStreak() {
    ReplicaPool p = pool(2, ejection(3, 50));
    Replica a0 = p.replicas().get(0);
    p.recordFailure(a0);
    p.recordFailure(a0);
    p.recordSuccess(a0);
    p.recordFailure(a0);
    p.recordFailure(a0);
    assertThat(p.ejected(a0)).isFalse();
    p.recordFailure(a0);
    assertThat(p.ejected(a0)).isTrue();
    assertThat(p.available("A")).extracting(Replica::id).containsExactly("A1");
    assertThat(events).containsExactly("ejected A0 10s #1");
  }

  @Test
  void anEjectionEndsWithPassingProbesInARowWhateverItsTime() {
    ReplicaPool p = pool(2, ejection(1, 50));
    Replica a0 = p.replicas().get(0);
    p.recordFailure(a0);
    assertThat(p.ejected(a0)).isTrue();
    p.recordProbe(a0, true, 2, 3);
    p.recordProbe(a0, false, 2, 3);
    p.recordProbe(a0, true, 2, 3);
    assertThat(p.ejected(a0)).as("a failed probe restarts the count").isTrue();
    assertThat(p.retryAfter("A", Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
    p.recordProbe(a0, true, 2, 3);
    assertThat(p.ejected(a0)).isFalse();
    assertThat(p.available("A")).extracting(Replica::id).containsExactly("A0", "A1");
    assertThat(events).containsExactly("ejected A0 10s #1", "readmitted A0");
  }

  @Test
  void ejectionTimeWithoutProbesGrowsWithEachEjectionUpToTheCap() {
    ReplicaPool p = pool(2, ejection(1, 50));
    Replica a0 = p.replicas().get(0);
    for (int i = 0; i < 4; i++) {
      p.recordFailure(a0);
      advance(Duration.ofSeconds(30));
      p.readmit(a0);
    }
    assertThat(events).containsExactly(
        "ejected A0 10s #1", "readmitted A0",
        "ejected A0 20s #2", "readmitted A0",
        "ejected A0 25s #3", "readmitted A0",
        "ejected A0 25s #4", "readmitted A0");
    advance(Duration.ofSeconds(26));
    p.recordFailure(a0);
    assertThat(events).last().as("in for longer than max_time: back to base")
        .isEqualTo("ejected A0 10s #1");
  }

  @Test
  void aStalledOrUnresponsiveReplicaIsEjectedAtOnceWithinTheCap() {
    ReplicaPool p = pool(2, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    Replica a1 = p.replicas().get(1);
    assertThat(p.ejectNow(a0, Ejection.Cause.STALLED)).isTrue();
    assertThat(p.ejectNow(a1, Ejection.Cause.UNRESPONSIVE)).as("the cap holds").isFalse();
    assertThat(events).containsExactly("ejected A0 10s #1 stalled", "skipped A1");
  }

  @Test
  void aFailedSuspicionProbeTurnsAReplicaUnhealthyAtOnce() {
    ReplicaPool p = pool(1, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    p.recordProbe(a0, true, 2, 3);
    p.recordProbe(a0, false, 2, 3, false);
    assertThat(p.healthy(a0)).isTrue();
    p.recordProbe(a0, false, 2, 3, true);
    assertThat(p.healthy(a0)).isFalse();
  }

  @Test
  void aReturningReplicaRampsItsShareOverTheSlowStart() {
    ReplicaPool p = new ReplicaPool(List.of(new ReplicaConfig("A0", "http://h:1", "A")),
        new EjectionConfig(1, Duration.ofSeconds(10), Duration.ofSeconds(25), 100, null,
            Duration.ofSeconds(20)), now::get);
    Replica a0 = p.replicas().get(0);
    p.recordProbe(a0, true, 1, 1);
    assertThat(p.slowStartShare(a0)).as("at start-up every replica has its full share")
        .isEqualTo(1.0);
    p.recordFailure(a0);
    p.recordProbe(a0, true, 1, 1);
    assertThat(p.ejected(a0)).as("healthy all along: its ejection time must pass").isTrue();
    advance(Duration.ofSeconds(10));
    p.recordProbe(a0, true, 1, 1);
    assertThat(p.ejected(a0)).isFalse();
    assertThat(p.slowStartShare(a0)).isEqualTo(0.1);
    advance(Duration.ofSeconds(10));
    assertThat(p.slowStartShare(a0)).isEqualTo(0.5);
    advance(Duration.ofSeconds(10));
    assertThat(p.slowStartShare(a0)).isEqualTo(1.0);
  }

  @Test
  void silenceWithRequestsInFlightIsSuspectedOncePerSilence() {
    ReplicaPool p = pool(1, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    long silence = Duration.ofSeconds(5).toNanos();
    assertThat(p.claimSuspicion(a0, silence)).as("idle").isFalse();
    Dispatch d = p.dispatch(a0, RequestInfo.UNKNOWN);
    advance(Duration.ofSeconds(4));
    assertThat(p.claimSuspicion(a0, silence)).isFalse();
    advance(Duration.ofSeconds(2));
    assertThat(p.claimSuspicion(a0, silence)).isTrue();
    assertThat(p.claimSuspicion(a0, silence)).as("once per silence").isFalse();
    d.progress(now.get());
    advance(Duration.ofSeconds(6));
    assertThat(p.claimSuspicion(a0, silence)).isTrue();
    d.finish(AttemptResult.COMPLETED);
  }

  @Test
  void atMostTheConfiguredShareOfAModelIsEjected() {
    ReplicaPool p = pool(2, ejection(1, 50));
    Replica a0 = p.replicas().get(0);
    Replica a1 = p.replicas().get(1);
    p.recordFailure(a0);
    p.recordFailure(a1);
    assertThat(p.ejected(a1)).isFalse();
    assertThat(p.available("A")).containsExactly(a1);
    assertThat(events).containsExactly("ejected A0 10s #1", "skipped A1");
    Replica b0 = p.replicas().get(2);
    p.recordFailure(b0);
    assertThat(p.ejected(b0)).as("the cap is per model").isTrue();
  }

  @Test
  void aSingleReplicaModelCanBeEjectedAndZeroPercentDisablesEjection() {
    ReplicaPool one = pool(1, ejection(1, 10));
    one.recordFailure(one.replicas().get(0));
    assertThat(one.available("A")).isEmpty();
    assertThat(one.anyAvailable()).isTrue();
    ReplicaPool off = pool(1, ejection(1, 0));
    off.recordFailure(off.replicas().get(0));
    assertThat(off.available("A")).hasSize(1);
  }

  @Test
  void activeChecksUseThresholdsAfterTheFirstProbe() {
    ReplicaPool p = pool(1, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    p.recordProbe(a0, false, 2, 3);
    assertThat(p.healthy(a0)).as("the first probe decides directly").isFalse();
    assertThat(p.available("A")).isEmpty();
    p.recordProbe(a0, true, 2, 3);
    assertThat(p.healthy(a0)).isFalse();
    p.recordProbe(a0, true, 2, 3);
    assertThat(p.healthy(a0)).isTrue();
    p.recordProbe(a0, false, 2, 3);
    p.recordProbe(a0, false, 2, 3);
    assertThat(p.healthy(a0)).isTrue();
    p.recordProbe(a0, false, 2, 3);
    assertThat(p.healthy(a0)).isFalse();
    assertThat(events).containsExactly("unhealthy A0", "healthy A0", "unhealthy A0");
    assertThat(p.anyAvailable()).isTrue();
    p.recordProbe(p.replicas().get(1), false, 2, 3);
    assertThat(p.anyAvailable()).isFalse();
  }

  @Test
  void countersAreExactAndExposedAsTheLoadView() {
    ReplicaPool p = pool(1, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    p.dispatch(a0);
    p.dispatch(a0);
    p.dispatch(a0);
    assertThat(p.inFlight(a0)).isEqualTo(3);
    p.finish(a0, AttemptResult.COMPLETED);
    p.finish(a0, AttemptResult.FAILED);
    p.finish(a0, AttemptResult.CANCELLED);
    assertThat(p.inFlight(a0)).isZero();
    assertThat(p.dispatched(a0)).isEqualTo(3);
    assertThat(p.finished(a0)).isEqualTo(3);
    assertThat(List.of(p.completed(a0), p.failed(a0), p.cancelled(a0))).containsExactly(1L, 1L, 1L);
  }

  @Test
  void aDispatchReleasesItsFirstByteAndTokenSharesExactlyOnce() {
    ReplicaPool p = pool(1, ejection(5, 50));
    Replica a0 = p.replicas().get(0);
    Dispatch streamed = p.dispatch(a0, new RequestInfo(1000, 200, true));
    Dispatch failedEarly = p.dispatch(a0, new RequestInfo(50, 0, false));
    assertThat(p.inFlight(a0)).isEqualTo(2);
    assertThat(p.awaitingFirstByte(a0)).isEqualTo(2);
    assertThat(p.pendingPromptTokens(a0)).isEqualTo(1050);
    assertThat(p.inFlightTokens(a0)).isEqualTo(1250);

    streamed.firstByte();
    streamed.firstByte();
    assertThat(p.awaitingFirstByte(a0)).isEqualTo(1);
    assertThat(p.pendingPromptTokens(a0)).isEqualTo(50);
    assertThat(p.inFlightTokens(a0)).as("still generating").isEqualTo(1250);

    // No byte ever came: finishing releases the first-byte share too, once.
    assertThat(failedEarly.finish(AttemptResult.FAILED)).isTrue();
    assertThat(failedEarly.finish(AttemptResult.COMPLETED)).isFalse();
    failedEarly.firstByte();
    assertThat(p.awaitingFirstByte(a0)).isZero();
    assertThat(p.pendingPromptTokens(a0)).isZero();
    assertThat(p.inFlightTokens(a0)).isEqualTo(1200);

    assertThat(streamed.finish(AttemptResult.COMPLETED)).isTrue();
    assertThat(List.of(p.inFlight(a0), p.awaitingFirstByte(a0))).containsExactly(0, 0);
    assertThat(List.of(p.pendingPromptTokens(a0), p.inFlightTokens(a0))).containsExactly(0L, 0L);
    assertThat(List.of(p.completed(a0), p.failed(a0))).containsExactly(1L, 1L);
    assertThat(streamed.finished()).isTrue();
    assertThat(streamed.awaitingFirstByte()).isFalse();
  }

  @Test
  void rejectsReplicasFromAnotherPool() {
    ReplicaPool p = pool(1, ejection(5, 50));
    ReplicaPool other = pool(1, ejection(5, 50));
    assertThatThrownBy(() -> p.inFlight(other.replicas().get(0)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
