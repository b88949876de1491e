package io.fleetlb.sim.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusText;
import io.fleetlb.sim.engine.Engine;
import io.fleetlb.sim.engine.EngineMetrics;
import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.engine.MetricsVersion;
import io.fleetlb.sim.engine.Profile;
import io.fleetlb.sim.engine.Profiles;
import io.fleetlb.sim.engine.SequenceSpec;
import io.fleetlb.sim.engine.VirtualRun;
import org.junit.jupiter.api.Test;

/**
 * The simulated DCGM exporter on the engine's virtual clock: a saturated GPU reads busy, an idle
 * one idle.
 */
class DcgmMetricsTest {

  private static final Profile LLAMA_8B = Profiles.byId("llama-3.1-8b-h100").orElseThrow();

  @Test
  void aSaturatedEngineReadsFullyBusyAndAnIdleOneAtIdlePower() throws Exception {
    EngineMetrics metrics = new EngineMetrics(MetricsVersion.V1, LLAMA_8B.maxModelLen());
    VirtualRun run =
        new VirtualRun(
            new Engine(
                LLAMA_8B, LLAMA_8B.maxNumSeqs(), LLAMA_8B.maxNumBatchedTokens(), 1.0, metrics));
    for (int i = 0; i < 20; i++) {
      run.arrive(0, i, new SequenceSpec(1500, 2000, FinishReason.LENGTH, 2000));
    }
    run.runUntil(5_000_000_000L);
    DcgmMetrics dcgm = new DcgmMetrics(LLAMA_8B.gpu(), 0, "replica");
    MetricsSnapshot busy = PrometheusText.parse(dcgm.render(metrics.gpu, run.now()));
    assertThat(busy.sum("DCGM_FI_DEV_GPU_UTIL")).isGreaterThanOrEqualTo(95);
    assertThat(busy.sum("DCGM_FI_DEV_POWER_USAGE")).isGreaterThan(300);
    double energy = busy.sum("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION");

    run.runToCompletion();
    MetricsSnapshot idle =
        PrometheusText.parse(dcgm.render(metrics.gpu, run.now() + 2_000_000_000L));
    assertThat(idle.sum("DCGM_FI_DEV_GPU_UTIL")).isZero();
    assertThat(idle.sum("DCGM_FI_DEV_POWER_USAGE")).isEqualTo(72.0);
    assertThat(idle.sum("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")).isGreaterThan(energy);
  }
}
