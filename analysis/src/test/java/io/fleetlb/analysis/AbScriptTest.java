package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bench/ab.sh's arms, checked without running anything: {@code --dry-run} resolves the options,
 * prints the arms, the runs and the compare.sh command, and (for the demo) writes the fleet and
 * router configs it would start; bad options fail with one line and exit 2.
 */
class AbScriptTest {
  static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  static final Path AB = ROOT.resolve("bench/ab.sh");
  @TempDir Path dir;

  record Result(int code, String out, String err) {}

  @BeforeAll
  static void needsBashAndCurl() {
    assumeThat(onPath("bash")).as("bash on the PATH").isTrue();
    assumeThat(onPath("curl")).as("curl on the PATH (ab.sh requires it)").isTrue();
  }

  static boolean onPath(String tool) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(d, tool))) {
        return true;
      }
    }
    return false;
  }

  static Result ab(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("bash", AB.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    // the JVM running the tests is the java ab.sh finds first
    pb.environment()
        .put(
            "PATH",
            Path.of(System.getProperty("java.home"), "bin")
                + File.pathSeparator
                + System.getenv("PATH"));
    Path out = Files.createTempFile("ab", ".out");
    Path err = Files.createTempFile("ab", ".err");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("bench/ab.sh " + String.join(" ", args) + " did not finish");
    }
    Result r =
        new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** ab.sh with a workload file and --out in the temp folder, and --dry-run. */
  Result dry(String... args) throws Exception {
    Path w = dir.resolve("workload.jsonl");
    Files.writeString(w, "{}\n");
    List<String> a = new ArrayList<>(List.of(args));
    a.addAll(
        List.of("--workload", w.toString(), "--out", dir.resolve("out").toString(), "--dry-run"));
    return ab(a.toArray(String[]::new));
  }

  /** Two arms, rr and qa, followed by {@code more}. */
  static String[] withArms(String... more) {
    List<String> a =
        new ArrayList<>(List.of("--arm", "rr=http://gpu:8080", "--arm", "qa=http://gpu:8081"));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  static void usageError(Result r, String start) {
    assertThat(r.code()).as(r.out() + r.err()).isEqualTo(2);
    assertThat(r.err().lines()).singleElement().asString().startsWith("ab.sh: " + start);
  }

  @Test
  void threeArmsRunInterleavedIntoOneFolderEachAndOneComparison() throws Exception {
    Result r =
        dry(
            "--arm", "lb-roundrobin=http://gpu:8080",
            "--arm", "lb-queue-aware=http://gpu:8081",
            "--arm", "lb-queue-aware+prefix=http://gpu:8082",
            "--repetitions", "2");
    assertThat(r.code()).as(r.err()).isZero();
    String out = dir.resolve("out").toString();
    assertThat(r.out())
        .contains("3 arms, 2 interleaved repetitions each (6 runs)")
        .contains("arm 1: lb-roundrobin (baseline) label lb-roundrobin url http://gpu:8080")
        .contains("results " + out + "/lb-queue-aware+prefix/repK/result.json")
        .contains(
            "compare: analysis/compare.sh "
                + out
                + "/lb-roundrobin "
                + out
                + "/lb-queue-aware "
                + out
                + "/lb-queue-aware+prefix --out "
                + out);
  }

  @Test
  void theReplicasPrefixCachesAreEmptiedBeforeEachRunUnlessTurnedOff() throws Exception {
    Result none = dry(withArms());
    Result reset =
        dry(
            withArms(
                "--server-metrics", "r1=http://gpu:8001/metrics", "r2=http://gpu:8002/metrics/"));
    Result off =
        dry(withArms("--server-metrics", "r1=http://gpu:8001/metrics", "--no-reset-prefix-cache"));

    assertThat(none.out()).contains("prefix caches: not reset between runs (no --server-metrics");
    assertThat(reset.out())
        .contains(
            "prefix caches: emptied before each run: POST http://gpu:8001/reset_prefix_cache"
                + " http://gpu:8002/reset_prefix_cache");
    assertThat(off.out())
        .contains("prefix caches: not reset between runs (--no-reset-prefix-cache)");
  }

  @Test
  void twoArmsKeepTheBaselineAndManagedFolders() throws Exception {
    Result r = dry("--arm", "rr=http://gpu:8080", "--arm", "qa=http://gpu:8081");
    assertThat(r.code()).as(r.err()).isZero();
    String out = dir.resolve("out").toString();
    assertThat(r.out())
        .contains("arm 1: rr (baseline) label rr url http://gpu:8080 results " + out + "/baseline/")
        .contains("arm 2: qa label qa url http://gpu:8081 results " + out + "/managed/");
    Result classic =
        dry(
            "--baseline",
            "http://gpu:8080",
            "--managed",
            "http://gpu:8081",
            "--baseline-label",
            "lb-roundrobin",
            "--managed-label",
            "lb-queue-aware");
    assertThat(classic.out())
        .contains("arm 1: baseline (baseline) label lb-roundrobin url http://gpu:8080")
        .contains("compare: analysis/compare.sh " + out + "/baseline " + out + "/managed --out");
  }

  @Test
  void badArmsAreOneLineUsageErrors() throws Exception {
    usageError(dry("--arm", "a=http://h:1"), "--arm: give at least two arms");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "a=http://h:2"),
        "--arm a=http://h:2: the name 'a' is given twice");
    usageError(dry("--arm", "a=http://h:1", "--arm", "b"), "--arm needs NAME=URL");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "b c=http://h:2"),
        "--arm b c=http://h:2: NAME must be");
    usageError(dry("--arm", "a=http://h:1", "--arm", "b=h:2"), "--arm b must be a base URL");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "logs=http://h:2"),
        "--arm logs=http://h:2: 'logs' is a folder");
    usageError(
        dry("--arm", "a=http://h:1", "--baseline", "http://h:2"),
        "give the arms either as --baseline/--managed or as --arm");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "b=http://h:2", "--managed-label", "x"),
        "--baseline-label/--managed-label name --baseline/--managed");
    usageError(
        dry(
            "--arm",
            "a=http://h:1",
            "--arm",
            "b=http://h:2",
            "--arm",
            "c=http://h:3",
            "--sweep",
            "2,4",
            "--spec",
            AB.toString()),
        "--sweep compares two arms; 3 arms given");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "b=http://h:2", "--oracle"),
        "--oracle and --seed-configs apply to --demo only");
    usageError(dry("--baseline", "http://h:1"), "--managed URL is required");
    usageError(
        dry("--arm", "a=http://h:1", "--arm", "b=http://h:2", "--reference", "a"),
        "--reference needs three or more arms");
    usageError(
        dry(
            "--arm",
            "a=http://h:1",
            "--arm",
            "b=http://h:2",
            "--arm",
            "c=http://h:3",
            "--reference",
            "z"),
        "--reference z: no arm of that name (one of a b c)");
  }

  @Test
  void demoOptionsThatCannotWorkAreOneLineUsageErrors() throws Exception {
    String out = dir.resolve("out").toString();
    usageError(
        ab("--demo", "--arm", "a=http://h:1", "--arm", "b=http://h:2", "--out", out, "--dry-run"),
        "--arm names routers you run yourself");
    usageError(
        ab("--demo", "--workload", "w.jsonl", "--out", out, "--dry-run"),
        "--demo --workload takes default or prefix, got 'w.jsonl'");
    usageError(
        ab("--demo", "--oracle", "--seed-configs", "--out", out, "--dry-run"),
        "--oracle and --seed-configs cannot be combined");
    usageError(
        ab("--demo", "--oracle", "--managed-label", "x", "--out", out, "--dry-run"),
        "--baseline-label/--managed-label name the demo's two arms");
    usageError(
        ab("--demo", "--oracle", "--sweep", "4,8", "--out", out, "--dry-run"),
        "--sweep compares two arms; this demo has 3");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void theDefaultDemoIsTodaysTwoArms() throws Exception {
    Path out = dir.resolve("demo");
    Result r = ab("--demo", "--quick", "--out", out.toString(), "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("dry run of the default demo: spec bench/demo-workload.yaml, 180 requests")
        .contains("2 arms, 2 interleaved repetitions each (4 runs)")
        .contains("label lb-roundrobin url")
        .contains("label lb-queue-aware url")
        .contains("compare: analysis/compare.sh " + out + "/baseline " + out + "/managed --out");
    try (var files = Files.list(out)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("fleet.yaml", "roundrobin.yaml", "queue-aware.yaml", "logs");
    }
    assertThat(Files.readString(out.resolve("fleet.yaml")))
        .doesNotContain("enable-prefix-caching") // vLLM V1's default: on
        .contains("- { id: llama70b-2, model: meta-llama/Llama-3.3-70B-Instruct,");
    assertThat(r.out())
        .containsPattern(
            "prefix caches: emptied before each run: POST( \\S+/reset_prefix_cache){6}\n");
    assertThat(Files.readString(out.resolve("queue-aware.yaml"))).doesNotContain("policy");
    assertThat(ports(out.resolve("queue-aware.yaml"))).isEqualTo(ports(out.resolve("fleet.yaml")));
  }

  @Test
  void theOracleIsAnotherQueueAwareRouterInOracleMode() throws Exception {
    Path out = dir.resolve("demo");
    Result r = ab("--demo", "--oracle", "--out", out.toString(), "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("router oracle: lb-queue-aware --config " + out.resolve("oracle.yaml"))
        .contains("3 arms, 3 interleaved repetitions each (9 runs)")
        .contains("arm 3: oracle label oracle url")
        .contains(
            out
                + "/lb-roundrobin "
                + out
                + "/lb-queue-aware "
                + out
                + "/oracle --out "
                + out
                + " --reference oracle");
    assertThat(Files.readString(out.resolve("oracle.yaml")).lines())
        .contains("policy: { mode: oracle }");
    assertThat(ports(out.resolve("oracle.yaml"))).isEqualTo(ports(out.resolve("fleet.yaml")));
  }

  @Test
  void thePrefixDemoAddsThePrefixAwareArmOnItsOwnSpec() throws Exception {
    Path out = dir.resolve("demo");
    Result r = ab("--demo", "--workload", "prefix", "--out", out.toString(), "--dry-run");
    if (!Files.exists(ROOT.resolve("bench/prefix-workload.yaml"))) {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.err().lines())
          .singleElement()
          .isEqualTo(
              "ab.sh: the prefix demo needs its workload spec bench/prefix-workload.yaml, which is"
                  + " missing");
      return;
    }
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("dry run of the prefix demo: spec bench/prefix-workload.yaml")
        .contains("arm 3: lb-queue-aware+prefix label lb-queue-aware+prefix url")
        .contains(out + "/lb-queue-aware+prefix --out");
    assertThat(Files.readString(out.resolve("queue-aware-prefix.yaml")).lines())
        .contains("policy: { prefix_weight: 1.0 }");
  }

  @Test
  void theSeedConfigsPutEachRouterInFrontOfItsOwnFleet() throws Exception {
    Path out = dir.resolve("demo");
    Result r = ab("--demo", "--seed-configs", "--out", out.toString(), "--dry-run");
    assertThat(r.code()).as(r.err()).isZero();
    String base = Files.readString(out.resolve("fleet-baseline.yaml"));
    String managed = Files.readString(out.resolve("fleet-managed.yaml"));
    assertThat(base.lines().filter(l -> l.contains("enable-prefix-caching: true }"))).hasSize(6);
    assertThat(managed.lines().filter(l -> l.contains("enable-prefix-caching: false }")))
        .hasSize(6);
    List<String> basePorts = ports(out.resolve("fleet-baseline.yaml"));
    List<String> managedPorts = ports(out.resolve("fleet-managed.yaml"));
    assertThat(basePorts).hasSize(6).doesNotContainAnyElementsOf(managedPorts);
    assertThat(ports(out.resolve("roundrobin.yaml"))).isEqualTo(basePorts);
    assertThat(ports(out.resolve("queue-aware.yaml"))).isEqualTo(managedPorts);
    // each arm's telemetry comes from its own fleet
    String arm1 = r.out().lines().filter(l -> l.startsWith("arm 1:")).findFirst().orElseThrow();
    String arm2 = r.out().lines().filter(l -> l.startsWith("arm 2:")).findFirst().orElseThrow();
    assertThat(arm1)
        .contains("label lb-roundrobin (prefix caching on)")
        .contains("llama8b-1=http://127.0.0.1:" + basePorts.get(0) + "/metrics");
    assertThat(arm2)
        .contains("label lb-queue-aware (prefix caching off)")
        .contains("llama8b-1=http://127.0.0.1:" + managedPorts.get(0) + "/metrics");
  }

  /** The replica ports a fleet file or router config names, in order. */
  static List<String> ports(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?:port: |http://127\\.0\\.0\\.1:)(\\d+)(?=[ ,\"])")
            .matcher(
                Files.readString(file)
                    .lines()
                    .filter(l -> l.startsWith("  - "))
                    .reduce("", (a, b) -> a + b + "\n"));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
