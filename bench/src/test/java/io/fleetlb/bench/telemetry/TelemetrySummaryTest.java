package io.fleetlb.bench.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.results.TelemetryFigures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetrySummaryTest {
  static ObjectNode gpu(String id, double t, double util, double power, Double energyJ) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("t_ns", (long) (t * 1e9))
        .put("source", "gpu")
        .put("id", id)
        .put("ok", true)
        .put("gpu", "0");
    o.put("util_pct", util).put("power_w", power);
    if (energyJ != null) {
      o.put("energy_j", energyJ);
    }
    return o;
  }

  static ObjectNode server(String id, double t, String model, double running, double waiting) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("t_ns", (long) (t * 1e9))
        .put("source", "server")
        .put("id", id)
        .put("ok", true)
        .put("model", model);
    o.put("running", running).put("waiting", waiting).put("kv_usage", 0.5);
    return o;
  }

  @Test
  void energyFromTheCounterElseTrapezoidsAndPerKwFigures() {
    List<ObjectNode> s = new ArrayList<>();
    // r1 has an energy counter: 1000 J -> 1600 J
    s.add(gpu("r1", 0, 50, 300, 1000.0));
    s.add(gpu("r1", 1, 100, 500, 1400.0));
    s.add(gpu("r1", 2, 50, 300, 1600.0));
    // r2 has power only: trapezoids (100+300)/2 + (300+100)/2 = 400 J
    s.add(gpu("r2", 0, 0, 100, null));
    s.add(gpu("r2", 1, 80, 300, null));
    s.add(gpu("r2", 2, 0, 100, null));
    TelemetryFigures sum = TelemetrySummary.summarize(s, 1_000_000_000L, 500.0, 1000, "t.jsonl");
    assertThat(sum.gpus().get("r1").energyJ()).isEqualTo(600.0);
    assertThat(sum.gpus().get("r1").energyMethod()).isEqualTo("counter");
    assertThat(sum.gpus().get("r2").energyJ()).isEqualTo(400.0);
    assertThat(sum.gpus().get("r2").energyMethod()).isEqualTo("trapezoid");
    assertThat(sum.gpus().get("r1").meanUtilPct()).isCloseTo(200 / 3.0, within(1e-9));
    TelemetryFigures.Fleet run = sum.run();
    assertThat(run.gpus()).isEqualTo(2);
    assertThat(run.energyJ()).isEqualTo(1000.0);
    assertThat(run.joulesPerOutputToken()).isEqualTo(1.0);
    // mean power: r1 366.67 + r2 166.67 = 533.33 W
    assertThat(run.meanPowerW()).isCloseTo(533.333333, within(1e-5));
    assertThat(run.outputTokensPerSPerGpu()).isEqualTo(250.0);
    assertThat(run.outputTokensPerSPerKw()).isCloseTo(500 / 0.533333333, within(1e-3));
    assertThat(sum.file()).isEqualTo("t.jsonl");
  }

  @Test
  void queueBalanceSeesAReplicaIdleWhileItsSiblingQueues() {
    List<ObjectNode> s = new ArrayList<>();
    s.add(server("a1", 0, "m", 4, 3));
    s.add(server("a2", 0.01, "m", 0, 0)); // idle while a1 queues
    s.add(server("a1", 1, "m", 2, 0));
    s.add(server("a2", 1, "m", 2, 0));
    TelemetryFigures sum = TelemetrySummary.summarize(s, 1_000_000_000L, 0, 0, "t.jsonl");
    TelemetryFigures.QueueBalance b = sum.balance().get("m");
    assertThat(b.idleWhileQueuedS()).isEqualTo(1.0);
    assertThat(b.ticks()).isEqualTo(2);
    assertThat(b.queueCvMean()).isCloseTo(0.5, within(1e-9)); // cv(7, 0) = 1, cv(2, 2) = 0
    assertThat(TelemetrySummary.replicaModels(s)).containsEntry("a2", "m");
    assertThat(sum.servers().get("a1").maxWaiting()).isEqualTo(3);
  }
}
