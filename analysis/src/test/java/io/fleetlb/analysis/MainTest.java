package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: exit statuses, error lines, where the reports go. */
class MainTest {
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.execute(args, new PrintWriter(out), new PrintWriter(err));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void validComparisonExitsZeroAndWritesEverything() throws Exception {
    SyntheticRun.of(40).write(dir.resolve("ab/baseline/rep1"));
    SyntheticRun.of(40).ttft(i -> 60).write(dir.resolve("ab/managed/rep1"));
    Result r =
        run(
            dir.resolve("ab/baseline").toString(),
            dir.resolve("ab/managed").toString(),
            "--bootstrap",
            "200");
    assertThat(r.code()).as(r.err()).isZero();
    // the default output directory is the one holding both arms
    for (String f :
        new String[] {"comparison.json", "report.md", "report.html", "charts/ttft_cdf.png"}) {
      assertThat(dir.resolve("ab").resolve(f)).isNotEmptyFile();
    }
    assertThat(r.out()).contains("p99 TTFT").contains("VALID comparison").contains("better");
    JsonNode j = new ObjectMapper().readTree(dir.resolve("ab/comparison.json").toFile());
    assertThat(j.path("metrics").path("p99_ttft_ms").path("verdict").asText()).isEqualTo("better");
    assertThat(j.path("headline").asText()).startsWith("managed cut p99 TTFT by 40%");
  }

  @Test
  void invalidComparisonIsWrittenAndExitsThree() {
    SyntheticRun.of(20).write(dir.resolve("b"));
    SyntheticRun.of(20).invalid().write(dir.resolve("m"));
    Result r =
        run(
            dir.resolve("b").toString(),
            dir.resolve("m").toString(),
            "--out",
            dir.resolve("out").toString(),
            "--bootstrap",
            "100");
    assertThat(r.code()).isEqualTo(3);
    assertThat(r.out()).contains("INVALID COMPARISON");
    assertThat(dir.resolve("out/report.html")).content().contains("INVALID COMPARISON");
  }

  @Test
  void differentWorkloadsAndBadFlagsAreUsageErrors() {
    SyntheticRun.of(20).write(dir.resolve("b"));
    SyntheticRun.of(20).hash("f".repeat(64)).write(dir.resolve("m"));
    Result r =
        run(
            dir.resolve("b").toString(),
            dir.resolve("m").toString(),
            "--out",
            dir.resolve("o").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .startsWith("compare.sh: error: different workloads");
    assertThat(dir.resolve("o/comparison.json")).doesNotExist();
    assertThat(run(dir.resolve("b").toString()).code()).isEqualTo(2);
    assertThat(
            run(dir.resolve("b").toString(), dir.resolve("b").toString(), "--goodput", "ttft")
                .err())
        .contains("--goodput 'ttft': specify service level objectives as KEY:VALUE pairs");
    assertThat(
            run(
                    dir.resolve("b").toString(),
                    dir.resolve("b").toString(),
                    "--headline",
                    "p99_nope_ms")
                .err())
        .contains(
            "--headline p99_nope_ms: no such metric in this comparison; one of mean_ttft_ms,"
                + " p50_ttft_ms");
    assertThat(
            run(dir.resolve("b").toString(), dir.resolve("b").toString(), "--goodput-target", "90")
                .code())
        .isEqualTo(2);
    assertThat(
            run(dir.resolve("b").toString(), dir.resolve("b").toString(), "--bootstrap", "5").err())
        .contains("at least 100 resamples");
  }

  @Test
  void helpListsEveryOptionCleanly() {
    Result r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains(
            "--sweep=DIR",
            "--goodput=KEY:MS",
            "--headline=METRIC",
            "--goodput-target",
            "--bootstrap",
            "95% confidence",
            "vllm bench serve");
    assertThat(r.out())
        .doesNotContain("--slo"); // the deprecated spelling still works, unadvertised
    assertThat(r.out() + r.err()).doesNotContain("WARN");
  }

  @Test
  void unreadableInputExitsOneWithOneLine() throws Exception {
    SyntheticRun.of(20).write(dir.resolve("b"));
    Files.delete(dir.resolve("b/result.requests.jsonl"));
    Result r = run(dir.resolve("b").toString(), dir.resolve("b").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .contains("result.requests.jsonl: not found");
  }
}
