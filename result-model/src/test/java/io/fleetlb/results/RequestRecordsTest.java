package io.fleetlb.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-request records file: one typed line per request, read back by index, problems named by
 * line.
 */
class RequestRecordsTest {
  @TempDir Path dir;

  static RequestRecord ok(int i) {
    return new RequestRecord(
        i,
        "m",
        "short",
        "r1",
        true,
        200,
        null,
        10,
        11,
        11,
        12,
        50,
        90,
        91,
        39.0,
        79.0,
        20.0,
        40.0,
        80.0,
        0.001,
        12,
        3,
        3,
        12,
        3,
        3,
        4,
        true,
        i == 0,
        new long[] {20_000_000, 20_000_000});
  }

  static RequestRecord failed(int i) {
    return new RequestRecord(
        i,
        "m",
        null,
        null,
        false,
        503,
        "HTTP 503: busy",
        10,
        11,
        11,
        12,
        -1,
        -1,
        20,
        null,
        null,
        null,
        null,
        null,
        0.001,
        -1,
        -1,
        0,
        12,
        3,
        0,
        1,
        false,
        false,
        new long[0]);
  }

  @Test
  void sessionTurnsCarryTheirSessionAndTurnAndOlderLinesStayAsTheyWere() throws Exception {
    RequestRecord single = ok(0);
    RequestRecord o = ok(1);
    RequestRecord turn =
        new RequestRecord(
            1,
            o.model(),
            o.className(),
            o.replica(),
            o.success(),
            o.status(),
            o.error(),
            o.scheduledNs(),
            o.arrivalNs(),
            o.startNs(),
            o.sentNs(),
            o.firstTokenNs(),
            o.lastTokenNs(),
            o.doneNs(),
            o.ttftMs(),
            o.e2elMs(),
            o.tpotMs(),
            o.ttftIntendedMs(),
            o.e2elIntendedMs(),
            o.scheduleLagMs(),
            o.promptTokens(),
            o.completionTokens(),
            o.outputTokens(),
            o.expectedInputTokens(),
            o.expectedOutputTokens(),
            o.tokenEvents(),
            o.chunks(),
            o.doneMarker(),
            o.newConnection(),
            7,
            2,
            o.itlNs());
    Path f = dir.resolve("s.requests.jsonl");
    RequestRecords.write(f, List.of(single, turn));
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0)).doesNotContain("session_id").doesNotContain("turn_index");
    assertThat(lines.get(1))
        .contains("\"new_connection\":false,\"session_id\":7,\"turn_index\":2,");
    RequestRecord[] back = RequestRecords.read(f, 2);
    assertThat(back[0].sessionId()).isNull();
    assertThat(back[1].sessionId()).isEqualTo(7);
    assertThat(back[1].turnIndex()).isEqualTo(2);
  }

  @Test
  void recordsRoundTripWithBenchFormatKeys() throws Exception {
    Path f = dir.resolve("r.requests.jsonl");
    RequestRecords.write(f, List.of(ok(0), failed(1)));
    List<String> lines = Files.readAllLines(f);
    assertThat(lines.get(0))
        .startsWith(
            "{\"index\":0,\"model\":\"m\",\"class\":\"short\",\"replica\":\"r1\",\"success\":true")
        .endsWith("\"itl_ns\":[20000000,20000000]}");
    assertThat(lines.get(1)).contains("\"ttft_ms\":null");
    RequestRecord[] back = RequestRecords.read(f, 2);
    assertThat(back[0].itlMs()).containsExactly(20.0, 20.0);
    assertThat(back[0].className()).isEqualTo("short");
    assertThat(back[1].ttft()).isNaN();
    assertThat(back[1].itlMs()).isEmpty();
    assertThat(back[0].meets(new Slo(39.0, 20.0, null))).isTrue();
    assertThat(back[1].meets(new Slo(null, null, null))).isFalse();
  }

  @Test
  void problemsAreNamedByFileLineAndField() throws Exception {
    Path f = dir.resolve("r.requests.jsonl");
    RequestRecords.write(f, List.of(ok(0), ok(1)));
    List<String> lines = Files.readAllLines(f);
    Files.write(
        f, List.of(lines.get(0), lines.get(1).replace("\"ttft_ms\":39.0", "\"ttft_ms\":\"fast\"")));
    assertThatThrownBy(() -> RequestRecords.read(f, 2))
        .hasMessageStartingWith(f + ":2: field 'ttft_ms' has the wrong type");
    Files.write(f, List.of(lines.get(0), lines.get(0)));
    assertThatThrownBy(() -> RequestRecords.read(f, 2)).hasMessage(f + ":2: index 0 appears twice");
    Files.write(f, List.of(lines.get(0), lines.get(1).replace("\"index\":1", "\"index\":7")));
    assertThatThrownBy(() -> RequestRecords.read(f, 2))
        .hasMessage(f + ":2: index 7 is outside the workload's 0..1");
    Files.write(
        f, List.of(lines.get(0), lines.get(1).replace("\"ttft_ms\":39.0", "\"ttft_ms\":null")));
    assertThatThrownBy(() -> RequestRecords.read(f, 2))
        .hasMessageContaining("needs numeric ttft_ms and e2el_ms");
  }
}
