package io.fleetlb.analysis.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetlb.analysis.SyntheticRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding and reading bench results on disk, and the errors for what cannot be read. */
class RunDiscoveryTest {
  @TempDir Path dir;

  @Test
  void findsResultsRecursivelyInNaturalOrderAndSkipsOtherFiles() throws Exception {
    for (int rep : new int[] {10, 2, 1}) {
      SyntheticRun.of(5).write(dir.resolve("rep" + rep));
    }
    Files.writeString(dir.resolve("comparison.json"), "{\"format\":\"fleetlb-comparison\"}");
    Files.writeString(dir.resolve("notes.json"), "not json at all");
    List<Path> found = RunDiscovery.results(dir);
    assertThat(found)
        .extracting(p -> dir.relativize(p).toString())
        .containsExactly("rep1/result.json", "rep2/result.json", "rep10/result.json");
    assertThat(RunDiscovery.results(found.get(0))).containsExactly(found.get(0));
  }

  @Test
  void explainsMissingOrEmptyInputs() throws Exception {
    assertThatThrownBy(() -> RunDiscovery.results(dir.resolve("nope")))
        .hasMessageEndingWith("nope: no such file or directory");
    Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> RunDiscovery.results(dir.resolve("empty")))
        .hasMessageContaining("no run found");
  }

  @Test
  void readsRecordsByIndex() {
    Path result =
        SyntheticRun.of(4)
            .ttft(i -> 10 * (i + 1))
            .failing(i -> i == 2 ? 1 : 0)
            .write(dir.resolve("r"));
    Run run = RunReader.read(result);
    assertThat(run.requests()).hasSize(4);
    assertThat(run.requests()[1].ttft()).isEqualTo(20);
    assertThat(run.requests()[2].success()).isFalse();
    assertThat(run.requests()[2].ttft()).isNaN();
    assertThat(run.requests()[0].itlMs()).containsOnly(10.0).hasSize(10);
    assertThat(run.failed()).isEqualTo(1);
    assertThat(run.workloadHash()).hasSize(64);
  }

  @Test
  void namesTheFileAndLineOfABadRecord() throws Exception {
    Path result = SyntheticRun.of(3).write(dir.resolve("r"));
    Path requests = dir.resolve("r/result.requests.jsonl");
    List<String> lines = Files.readAllLines(requests);
    Files.write(requests, List.of(lines.get(0), "{\"index\":1,\"success\":\"yes\"}", lines.get(2)));
    assertThatThrownBy(() -> RunReader.read(result))
        .hasMessage(requests + ":2: field 'success' is missing or not true/false");
    Files.write(requests, List.of(lines.get(0), lines.get(2)));
    assertThatThrownBy(() -> RunReader.read(result))
        .hasMessage(requests + ": no record for request index 1 (the result says 3 requests)");
    Files.write(requests, List.of(lines.get(0), "{oops", lines.get(2)));
    assertThatThrownBy(() -> RunReader.read(result))
        .hasMessageStartingWith(requests + ":2: not valid JSON");
    Files.delete(requests);
    assertThatThrownBy(() -> RunReader.read(result))
        .hasMessageContaining("result.requests.jsonl: not found");
  }

  @Test
  void refusesAJsonThatIsNotABenchResult() throws Exception {
    Path other = dir.resolve("x.json");
    Files.writeString(other, "{\"a\":1}");
    assertThatThrownBy(() -> RunReader.read(other))
        .hasMessageStartingWith(
            other
                + ": not a run of fleetlb bench, vllm bench serve (--save-result --save-detailed),"
                + " GenAI-Perf");
  }

  @Test
  void naturalOrderComparesDigitRunsAsNumbers() {
    assertThat(RunDiscovery.natural("rep2/result.json", "rep10/result.json")).isNegative();
    assertThat(RunDiscovery.natural("b/rep1", "a/rep2")).isPositive();
  }
}
