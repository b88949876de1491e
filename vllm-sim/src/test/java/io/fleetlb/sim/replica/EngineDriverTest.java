package io.fleetlb.sim.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.fleetlb.sim.engine.Engine;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import io.fleetlb.sim.engine.SequenceSpec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real-time driver on a clock of the test's own: every step's wait is checked against the
 * engine's planned step time, so the checks hold however slow or busy the machine is.
 */
class EngineDriverTest {

  private static final Profile LLAMA_8B = Profiles.byId("llama-3.1-8b-h100").orElseThrow();

  /** A clock that only moves when the driver waits, and records how long each wait was. */
  static final class StepClock implements WallClock {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    final AtomicLong waited = new AtomicLong();
    final AtomicInteger waits = new AtomicInteger();

    @Override
    public long nanoTime() {
      return now.get();
    }

    @Override
    public void sleepUntil(long deadline) {
      long before = now.getAndAccumulate(deadline, Math::max);
      waited.addAndGet(Math.max(0, deadline - before));
      waits.incrementAndGet();
    }
  }

  Vertx vertx;
  EngineMetrics metrics;
  StepClock clock;
  EngineDriver driver;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    metrics = new EngineMetrics(MetricsVersion.V1, LLAMA_8B.maxModelLen());
    clock = new StepClock();
  }

  @AfterEach
  void stop() throws Exception {
    if (driver != null) {
      driver.stop();
    }
    vertx.close().await(5, TimeUnit.SECONDS);
  }

  private void driver(double timeScale) {
    Engine engine =
        new Engine(LLAMA_8B, LLAMA_8B.maxNumSeqs(), LLAMA_8B.maxNumBatchedTokens(), 1.0, metrics);
    driver = new EngineDriver("test", engine, timeScale, clock);
    driver.start();
  }

  /**
   * Submits one request and waits for its last token; returns the GPU time its steps were planned
   * to take.
   */
  private double generate(int outputTokens) {
    double busyBefore = metrics.gpu.read(0).busyNanos();
    AtomicInteger tokens = new AtomicInteger();
    Context context = vertx.getOrCreateContext();
    driver.submit(
        new SequenceSpec(5, outputTokens, FinishReason.LENGTH, outputTokens),
        new TokenSink() {
          @Override
          public Context context() {
            return context;
          }

          @Override
          public void onToken(int index, FinishReason finish, long intendedNanos) {
            tokens.incrementAndGet();
          }
        });
    await().atMost(Duration.ofSeconds(30)).until(() -> tokens.get() == outputTokens);
    return metrics.gpu.read(0).busyNanos() - busyBefore;
  }

  @Test
  void theTimeScaleDividesEveryStepsWaitAndTheEngineClockFollows() {
    driver(10);
    double planned = generate(300);
    // 300 tokens at ~7 ms of engine time each (research 4.3)
    assertThat(planned / 1e9).isBetween(2.0, 2.3);
    assertThat(clock.waits.get()).isEqualTo(300);
    // each wait is the step's planned time / 10, rounded to the nanosecond
    assertThat((double) clock.waited.get()).isCloseTo(planned / 10, within(300.0));
    // the engine's own clock: the request took exactly the planned GPU time (x10 rounding per step)
    assertThat(metrics.e2e.snapshot().sum() * 1e9).isCloseTo(planned, within(300 * 10.0));
  }

  @Test
  void aSlowdownMultipliesThePlannedStepTimeFromTheNextStepOn() {
    driver(1);
    double healthy = generate(100);
    driver.setSlowdown(3.0);
    double degraded = generate(100);
    assertThat(degraded / healthy).isCloseTo(3.0, within(1e-6));
    assertThat(degraded / 100 / 1e9).isBetween(0.019, 0.024); // 3 x ~7 ms per token
  }
}
