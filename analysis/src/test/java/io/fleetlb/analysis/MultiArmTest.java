package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compare.sh with three arms: every arm judged against the baseline exactly as in a two-arm
 * comparison, in one report; the errors that only arise with more than two arms.
 */
class MultiArmTest {
  static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  /** The baseline (TTFT 100 ms), a faster arm (60 ms) and a slower one (150 ms), 2 runs each. */
  void threeArms() {
    for (int k = 1; k <= 2; k++) {
      SyntheticRun.of(60).label("rr").write(dir.resolve("ab/rr/rep" + k));
      SyntheticRun.of(60).label("fast").ttft(i -> 60).write(dir.resolve("ab/fast/rep" + k));
      SyntheticRun.of(60).label("slow").ttft(i -> 150).write(dir.resolve("ab/slow/rep" + k));
    }
  }

  MainTest.Result compare(String... arms) {
    String[] args = new String[arms.length + 2];
    for (int k = 0; k < arms.length; k++) {
      args[k] = dir.resolve(arms[k]).toString();
    }
    args[arms.length] = "--bootstrap";
    args[arms.length + 1] = "200";
    return MainTest.run(args);
  }

  @Test
  void eachArmGetsItsOwnVerdictAgainstTheBaselineInOneReport() throws Exception {
    threeArms();
    MainTest.Result r = compare("ab/rr", "ab/fast", "ab/slow");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = JSON.readTree(dir.resolve("ab/comparison.json").toFile());
    assertThat(j.path("format").asText()).isEqualTo("fleetlb-comparison");
    assertThat(j.path("arm_count").asInt()).isEqualTo(3);
    assertThat(j.path("baseline").asText()).isEqualTo("rr");
    assertThat(j.path("arms").findValuesAsText("label")).containsExactly("rr", "fast", "slow");
    assertThat(j.path("arms").findValuesAsText("role")).containsExactly("baseline", "arm", "arm");
    JsonNode fast = j.path("comparisons").get(0);
    JsonNode slow = j.path("comparisons").get(1);
    assertThat(fast.path("arm").asText()).isEqualTo("fast");
    assertThat(fast.path("metrics").path("p99_ttft_ms").path("verdict").asText())
        .isEqualTo("better");
    assertThat(fast.path("metrics").path("p99_ttft_ms").path("managed").asDouble()).isEqualTo(60.0);
    assertThat(slow.path("arm").asText()).isEqualTo("slow");
    assertThat(slow.path("metrics").path("p99_ttft_ms").path("verdict").asText())
        .isEqualTo("worse");
    assertThat(slow.path("metrics").path("p99_ttft_ms").path("baseline").asDouble())
        .isEqualTo(100.0);
    // one headline line per arm, each against the baseline
    assertThat(j.path("headline").asText().lines())
        .satisfiesExactly(
            l -> assertThat(l).startsWith("fast cut p99 TTFT by 40%").contains("versus rr"),
            l -> assertThat(l).startsWith("slow raised p99 TTFT by 50%").contains("versus rr"));
    assertThat(j.has("metrics")).as("no two-arm metrics block for three arms").isFalse();
    assertThat(j.path("replicas").fieldNames()).toIterable().containsExactly("rr", "fast", "slow");

    assertThat(r.out())
        .contains("Comparison of 3 arms against rr (baseline)")
        .contains("fast cut p99 TTFT")
        .contains("slow raised p99 TTFT")
        .contains("VALID comparison");
    String md = Files.readString(dir.resolve("ab/report.md"));
    assertThat(md)
        .startsWith("# Comparison: fast, slow vs rr")
        .contains("| metric | baseline | fast | delta % [95% CI] | verdict | slow |")
        .contains("**better**")
        .contains("**worse**");
    String html = Files.readString(dir.resolve("ab/report.html"));
    assertThat(html).contains("fleetlb comparison of 3 arms").contains("VALID COMPARISON");
    assertThat(html.split("data:image/png;base64,", -1).length - 1).isGreaterThanOrEqualTo(6);
    assertThat(html).doesNotContainPattern("(?:src|href)\\s*=\\s*[\"']?(?:https?:)?//");
    for (String chart : new String[] {"ttft_cdf", "percentiles_ttft", "replica_share"}) {
      assertThat(dir.resolve("ab/charts/" + chart + ".png")).isNotEmptyFile();
    }
  }

  @Test
  void eachPairEqualsItsTwoArmComparison() throws Exception {
    threeArms();
    assertThat(compare("ab/rr", "ab/fast", "ab/slow").code()).isZero();
    JsonNode multi = JSON.readTree(dir.resolve("ab/comparison.json").toFile());
    Files.createDirectories(dir.resolve("pair"));
    MainTest.Result two =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/slow").toString(),
            "--bootstrap",
            "200",
            "--out",
            dir.resolve("pair").toString());
    assertThat(two.code()).as(two.err()).isZero();
    JsonNode pair = JSON.readTree(dir.resolve("pair/comparison.json").toFile());
    JsonNode slow = multi.path("comparisons").get(1);
    assertThat(slow.path("metrics")).isEqualTo(pair.path("metrics"));
    assertThat(slow.path("per_model")).isEqualTo(pair.path("per_model"));
    assertThat(slow.path("paired")).isEqualTo(pair.path("paired"));
    assertThat(slow.path("headline").asText()).isEqualTo(pair.path("headline").asText());
    assertThat(multi.path("settings")).isEqualTo(pair.path("settings"));
  }

  @Test
  void anInvalidArmMakesTheWholeComparisonInvalidAndNamesTheArm() throws Exception {
    threeArms();
    SyntheticRun.of(60).label("slow").ttft(i -> 150).invalid().write(dir.resolve("ab/slow/rep2"));
    MainTest.Result r = compare("ab/rr", "ab/fast", "ab/slow");
    assertThat(r.code()).isEqualTo(3);
    JsonNode j = JSON.readTree(dir.resolve("ab/comparison.json").toFile());
    assertThat(j.path("valid").asBoolean()).isFalse();
    assertThat(j.path("comparisons").get(0).path("valid").asBoolean()).isTrue();
    assertThat(j.path("comparisons").get(1).path("valid").asBoolean()).isFalse();
    assertThat(j.path("reasons").get(0).asText()).startsWith("slow repetition 2 (slow/rep2/");
    assertThat(j.path("headline").asText().lines().toList().get(1))
        .startsWith("INVALID COMPARISON");
    assertThat(dir.resolve("ab/report.html")).content().contains("INVALID COMPARISON");
  }

  @Test
  void armsLabelledAlikeAreNamedByTheirFolders() throws Exception {
    for (String arm : new String[] {"base", "one", "two"}) {
      SyntheticRun.of(30).label("same").write(dir.resolve("ab/" + arm + "/rep1"));
    }
    MainTest.Result r = compare("ab/base", "ab/one", "ab/two");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode j = JSON.readTree(dir.resolve("ab/comparison.json").toFile());
    assertThat(j.path("arms").findValuesAsText("label")).containsExactly("base", "one", "two");
  }

  @Test
  void differentWorkloadsSweepsAndManagedLabelsAreUsageErrors() {
    threeArms();
    SyntheticRun.of(60).hash("f".repeat(64)).label("other").write(dir.resolve("ab/other/rep1"));
    MainTest.Result r = compare("ab/rr", "ab/fast", "ab/other");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().lines())
        .singleElement()
        .asString()
        .startsWith("compare.sh: error: different workloads");
    assertThat(dir.resolve("ab/comparison.json")).doesNotExist();

    MainTest.Result sweep =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/fast").toString(),
            dir.resolve("ab/slow").toString(),
            "--sweep",
            dir.toString());
    assertThat(sweep.code()).isEqualTo(2);
    assertThat(sweep.err()).startsWith("compare.sh: error: --sweep compares two arms");

    MainTest.Result label =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/fast").toString(),
            dir.resolve("ab/slow").toString(),
            "--managed-label",
            "x");
    assertThat(label.code()).isEqualTo(2);
    assertThat(label.err()).startsWith("compare.sh: error: --managed-label names the second");

    MainTest.Result one = MainTest.run(dir.resolve("ab/rr").toString());
    assertThat(one.code()).isEqualTo(2);
    assertThat(one.err()).contains("ARM");
  }

  @Test
  void referenceGivesEveryArmsRatioToOneArm() throws Exception {
    threeArms();
    MainTest.Result r =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/fast").toString(),
            dir.resolve("ab/slow").toString(),
            "--bootstrap",
            "200",
            "--reference",
            "fast");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode ref = JSON.readTree(dir.resolve("ab/comparison.json").toFile()).path("reference");
    assertThat(ref.path("label").asText()).isEqualTo("fast");
    assertThat(ref.path("ratios").path("rr").path("p99_ttft_ms").asDouble())
        .isCloseTo(100.0 / 60, within(1e-9));
    assertThat(ref.path("ratios").path("slow").path("p99_ttft_ms").asDouble())
        .isCloseTo(150.0 / 60, within(1e-9));
    assertThat(ref.path("ratios").path("fast").path("p99_ttft_ms").asDouble()).isEqualTo(1.0);
    assertThat(r.out()).contains("-- ratio to fast (arm / fast)");
    assertThat(dir.resolve("ab/report.md"))
        .content()
        .contains("## Distance to fast")
        .contains("| p99 TTFT (ms) | 1.67x | 1.00x | 2.50x |");

    MainTest.Result unknown =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/fast").toString(),
            dir.resolve("ab/slow").toString(),
            "--reference",
            "oracle");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err())
        .startsWith(
            "compare.sh: error: --reference oracle: no arm has that label; one of rr, fast,"
                + " slow");
    MainTest.Result two =
        MainTest.run(
            dir.resolve("ab/rr").toString(),
            dir.resolve("ab/fast").toString(),
            "--reference",
            "rr");
    assertThat(two.code()).isEqualTo(2);
    assertThat(two.err()).startsWith("compare.sh: error: --reference compares three or more arms");
  }
}
