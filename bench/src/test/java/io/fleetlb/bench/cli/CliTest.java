package io.fleetlb.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.bench.BenchVertx;
import io.fleetlb.bench.Main;
import io.fleetlb.bench.mock.MockConfig;
import io.fleetlb.bench.mock.MockUpstream;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line as a user meets it: exit codes, one-line errors, the files a run writes. */
class CliTest {
  static Vertx vertx;
  static MockUpstream mock;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    vertx = BenchVertx.create(1);
    mock =
        MockUpstream.start(
            vertx,
            new MockConfig(
                "127.0.0.1", 0, 5_000_000L, 1_000_000L, 4, List.of("m1", "m2"), "mock-a", 1));
  }

  @AfterAll
  static void stop() {
    mock.close();
    vertx.close();
  }

  record Result(int code, String out, String err) {}

  static synchronized Result bench(String... args) {
    StringWriter err = new StringWriter();
    PrintStream oldOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true));
    try {
      int code = Main.execute(args, new PrintWriter(err, true));
      return new Result(code, out.toString(), err.toString());
    } finally {
      System.setOut(oldOut);
    }
  }

  String workload(String name, String... extra) {
    String path = dir.resolve(name).toString();
    String[] base = {
      "workload",
      "-o",
      path,
      "--model",
      "m1=3",
      "--model",
      "m2=1",
      "--num-prompts",
      "60",
      "--request-rate",
      "200",
      "--random-input-len",
      "12",
      "--random-output-len",
      "3",
      "--seed",
      "5"
    };
    String[] all =
        java.util.stream.Stream.concat(
                java.util.Arrays.stream(base), java.util.Arrays.stream(extra))
            .toArray(String[]::new);
    Result r = bench(all);
    assertThat(r.code()).as(r.err()).isZero();
    return path;
  }

  @Test
  void runWritesResultRequestsAndPrintsTheVllmLayout() throws Exception {
    String w = workload("w.jsonl");
    Path out = dir.resolve("res.json");
    Result r =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            w,
            "-o",
            out.toString(),
            "--no-progress",
            "--label",
            "arm-a",
            "--metadata",
            "arm=baseline",
            "rep=1",
            "--goodput",
            "ttft:500",
            "e2el:1000");
    assertThat(r.out())
        .contains("============ Serving Benchmark Result ============")
        .contains("Successful requests:                     60        ")
        .contains("---------------Time to First Token----------------");
    JsonNode j = new ObjectMapper().readTree(out.toFile());
    assertThat(j.path("completed").asInt()).isEqualTo(60);
    assertThat(j.path("label").asText()).isEqualTo("arm-a");
    assertThat(j.path("arm").asText()).isEqualTo("baseline");
    assertThat(j.path("rep").asText()).isEqualTo("1");
    assertThat(j.path("request_goodput").isNumber()).isTrue();
    assertThat(j.path("goodput_slo").toString())
        .isEqualTo("{\"ttft_ms\":500.0,\"e2el_ms\":1000.0}");
    assertThat(j.path("validity").path("thresholds").path("max_schedule_lag_ms").asDouble())
        .isEqualTo(1.0);
    assertThat(j.path("model_id").asText()).isEqualTo("m1,m2");
    assertThat(j.path("backend").asText()).isEqualTo("openai-chat");
    assertThat(j.path("request_rate").asDouble()).isEqualTo(200.0);
    assertThat(
            j.has("p99_ttft_ms")
                && j.has("p99_tpot_ms")
                && j.has("p99_itl_ms")
                && j.has("p99_e2el_ms"))
        .isTrue();
    assertThat(j.path("workload_hash").asText()).hasSize(64);
    assertThat(j.path("per_replica").path("mock-a").path("requests").asInt()).isEqualTo(60);
    assertThat(
            j.path("per_model").path("m1").path("requests").asInt()
                + j.path("per_model").path("m2").path("requests").asInt())
        .isEqualTo(60);
    assertThat(j.path("definitions").path("ttft").asText()).contains("first token event");
    assertThat(j.path("timeseries").path("offered").isArray()).isTrue();
    List<String> lines = Files.readAllLines(dir.resolve("res.requests.jsonl"));
    assertThat(lines).hasSize(60);
    JsonNode rec = new ObjectMapper().readTree(lines.get(0));
    assertThat(rec.path("replica").asText()).isEqualTo("mock-a");
    assertThat(rec.path("itl_ns").size()).isEqualTo(2);
    assertThat(rec.path("completion_tokens").asInt()).isEqualTo(3);
    // the saved result prints the same report again
    Result again = bench("report", out.toString());
    assertThat(again.out()).isEqualTo(r.out());
    assertThat(again.code()).isEqualTo(r.code());
  }

  @Test
  void sessionsRunClosedWithinASessionAndAreRecordedPerTurn() throws Exception {
    Path spec = dir.resolve("sessions.yaml");
    Files.writeString(
        spec,
        "num-sessions: 4\nsession-turns-mean: 3\nsession-turn-delay-mean: 5\n"
            + "request-rate: 100\nseed: 2\nmodels: [m1, m2]\nclasses:\n"
            + "  - {name: app, weight: 1, input: '4', output: '3', system_prompt_tokens: 20}\n");
    Path w = dir.resolve("s.jsonl");
    Result gen = bench("workload", "--spec", spec.toString(), "-o", w.toString());
    assertThat(gen.code()).as(gen.err()).isZero();
    JsonNode wh = new ObjectMapper().readTree(Files.readAllLines(w).get(0));
    assertThat(wh.path("sessions").path("sessions").asInt()).isEqualTo(4);
    assertThat(wh.path("num_requests").asInt()).isEqualTo(12);
    Path out = dir.resolve("s.json");
    Result r =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            w.toString(),
            "-o",
            out.toString(),
            "--no-progress",
            "--min-achieved-ratio",
            "0",
            "--max-schedule-lag-ms",
            "1000");
    assertThat(r.code()).as(r.err() + r.out()).isZero();
    JsonNode j = new ObjectMapper().readTree(out.toFile());
    assertThat(j.path("sessions").toString())
        .isEqualTo(
            "{\"sessions\":4,\"turns\":12,\"dependent_turns\":8,\"failed_turns\":0,"
                + "\"turns_after_failure\":0}");
    assertThat(j.path("definitions").path("sessions").asText()).contains("closed loop");
    List<String> lines = Files.readAllLines(dir.resolve("s.requests.jsonl"));
    JsonNode second = new ObjectMapper().readTree(lines.get(1));
    JsonNode first = new ObjectMapper().readTree(lines.get(0));
    assertThat(second.path("session_id").asInt()).isZero();
    assertThat(second.path("turn_index").asInt()).isEqualTo(1);
    assertThat(second.path("scheduled_ns").asLong())
        .isEqualTo(first.path("done_ns").asLong() + 5_000_000L);
  }

  @Test
  void theDemosPrefixWorkloadIsAsDocumented() throws Exception {
    Path w = dir.resolve("prefix.jsonl");
    Result gen =
        bench(
            "workload",
            "--spec",
            "prefix-workload.yaml",
            "--num-prompts",
            "150",
            "-o",
            w.toString());
    assertThat(gen.code()).as(gen.err()).isZero();
    List<String> lines = Files.readAllLines(w);
    JsonNode header = new ObjectMapper().readTree(lines.get(0));
    assertThat(header.path("num_requests").asInt()).isEqualTo(150);
    assertThat(header.path("format_version").asInt()).isEqualTo(2);
    assertThat(header.path("models")).hasSize(3);
    java.util.Set<String> classes = new java.util.HashSet<>();
    for (String line : lines.subList(1, lines.size())) {
      JsonNode req = new ObjectMapper().readTree(line);
      classes.add(req.path("class").asText());
      JsonNode system = req.path("body").path("messages").get(0);
      assertThat(system.path("role").asText()).isEqualTo("system");
      assertThat(system.path("content").asText().split(" ").length).isBetween(1000, 2000);
    }
    assertThat(classes).containsExactlyInAnyOrder("support-chat", "code-assistant", "rag");
  }

  @Test
  void sameFlagsSameFileAndSpecFileEquivalent() throws Exception {
    String a = workload("a.jsonl");
    String b = workload("b.jsonl");
    assertThat(Files.readAllBytes(Path.of(a))).isEqualTo(Files.readAllBytes(Path.of(b)));
    Path spec = dir.resolve("spec.yaml");
    Files.writeString(
        spec,
        "num-prompts: 60\nrequest-rate: 200\nrandom-input-len: 12\nrandom-output-len: 3\nseed: 5\n"
            + "models:\n  - {name: m1, weight: 3}\n  - name: m2\n    weight: 1\n");
    Path c = dir.resolve("c.jsonl");
    Result r = bench("workload", "--spec", spec.toString(), "-o", c.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readAllBytes(c)).isEqualTo(Files.readAllBytes(Path.of(a)));
    // the command line overrides the spec
    Result r2 = bench("workload", "--spec", spec.toString(), "--seed", "6", "-o", c.toString());
    assertThat(r2.code()).isZero();
    assertThat(Files.readAllBytes(c)).isNotEqualTo(Files.readAllBytes(Path.of(a)));
  }

  @Test
  void vllmsFlagsWork() throws Exception {
    String w = workload("w.jsonl");
    // --host/--port instead of --url, --save-result into a --result-dir that does not exist yet
    Result r =
        bench(
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            Integer.toString(mock.port()),
            "-w",
            w,
            "--save-result",
            "--result-dir",
            dir.resolve("vllm-results").toString(),
            "--label",
            "mock",
            "--no-progress",
            "--goodput",
            "ttft:500,e2el:1000",
            // validity is not what this test is about: a loaded machine may lag its schedule
            "--max-schedule-lag-ms",
            "60000",
            "--min-achieved-ratio",
            "0");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.err())
        .contains(
            "bench: warning: --goodput ttft:500,e2el:1000 is deprecated: write --goodput "
                + "ttft:500 e2el:1000");
    try (var files = Files.list(dir.resolve("vllm-results"))) {
      assertThat(
              files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".json")).toList())
          .singleElement()
          .asString()
          .matches("mock-200\\.0qps-m1-\\d{8}-\\d{6}\\.json");
    }
    Result named =
        bench(
            "run",
            "--base-url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            w,
            "--result-dir",
            dir.toString(),
            "--result-filename",
            "named.json",
            "--no-progress",
            "--max-schedule-lag-ms",
            "60000",
            "--min-achieved-ratio",
            "0");
    assertThat(named.code()).as(named.err()).isZero();
    assertThat(dir.resolve("named.json")).isNotEmptyFile();
    assertThat(dir.resolve("named.requests.jsonl")).isNotEmptyFile();
    assertThat(bench("run", "-w", w, "-o", "x.json").err())
        .contains(
            "missing the server: give --url http://HOST:PORT "
                + "(or vLLM's --base-url, or --host and --port)");
    assertThat(bench("run", "--url", "http://127.0.0.1:1", "-w", w).err())
        .contains(
            "missing the result file: give -o RESULT.json (or vLLM's --save-result [--result-dir"
                + " DIR] [--result-filename NAME])");
  }

  @Test
  void aWorkloadFlagGivenToRunSaysWhereItBelongs() {
    Result r =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:1",
            "--request-rate",
            "5",
            "-w",
            "w.jsonl",
            "-o",
            "o.json");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("bench: --request-rate is a flag of 'bench.jar workload', not 'run'")
        .contains("java -jar bench.jar workload --request-rate 5 --model NAME -o workload.jsonl")
        .doesNotContain("--request-timeout");
    assertThat(bench("--bogus").err()).contains("Try 'java -jar bench.jar --help'.");
  }

  @Test
  void everyCommandHasHelp() {
    for (String cmd :
        new String[] {"workload", "run", "calibrate", "mock-server", "verify", "report"}) {
      Result r = bench(cmd, "--help");
      assertThat(r.code()).as(cmd).isZero();
      assertThat(r.out()).as(cmd).startsWith("Usage: bench " + cmd).doesNotContain("picocli WARN");
    }
    assertThat(bench("--version").out()).startsWith("fleetlb-bench ");
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    Result r =
        bench(
            "workload",
            "-o",
            dir.resolve("x").toString(),
            "--model",
            "m",
            "--output-len-dist",
            "pareto(1)");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("bench: error: 'pareto(1)': unknown distribution 'pareto'")
        .doesNotContain("\tat ");
    Result unknown = bench("run", "--url", "http://127.0.0.1:1", "-w", "x", "-o", "y", "--bogus");
    assertThat(unknown.code()).isEqualTo(2);
    assertThat(unknown.err()).contains("Unknown option: '--bogus'");
    Result noModel = bench("workload", "-o", dir.resolve("x").toString());
    assertThat(noModel.code()).isEqualTo(2);
    assertThat(noModel.err()).contains("--model");
    Result badUrl = bench("run", "--url", "http://127.0.0.1:1/v1", "-w", "x", "-o", "y");
    assertThat(badUrl.code()).isEqualTo(2);
    assertThat(badUrl.err()).contains("must be a base URL without a path");
    Result spec = bench("workload", "--spec", dir.resolve("none.yaml").toString(), "-o", "x");
    assertThat(spec.err()).contains("no such file");
  }

  @Test
  void unreachableServerFailsFastWithExitOne() throws Exception {
    String w = workload("w.jsonl");
    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Result r =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + closed,
            "-w",
            w,
            "-o",
            dir.resolve("r.json").toString(),
            "--no-progress");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err().strip())
        .isEqualTo(
            "bench: cannot reach http://127.0.0.1:"
                + closed
                + ": connection refused by 127.0.0.1:"
                + closed);
    assertThat(Files.exists(dir.resolve("r.json"))).isFalse();
  }

  @Test
  void aServerThatIsNotOpenAiOrLacksTheModelIsRefused() throws Exception {
    Vertx v = Vertx.vertx();
    try {
      var s =
          v.createHttpServer()
              .requestHandler(
                  req ->
                      req.response()
                          .putHeader("content-type", "text/html")
                          .end("<html>hello</html>"))
              .listen(0, "127.0.0.1")
              .toCompletionStage()
              .toCompletableFuture()
              .get();
      String w = workload("w.jsonl");
      Result html =
          bench(
              "run",
              "--url",
              "http://127.0.0.1:" + s.actualPort(),
              "-w",
              w,
              "-o",
              dir.resolve("r.json").toString(),
              "--no-progress");
      assertThat(html.code()).isEqualTo(1);
      assertThat(html.err())
          .contains(
              "is not an OpenAI-compatible server: GET /v1/models did not return a model list");
    } finally {
      v.close();
    }
    Path other = dir.resolve("o.jsonl");
    assertThat(
            bench("workload", "-o", other.toString(), "--model", "llama", "--num-prompts", "2")
                .code())
        .isZero();
    Result missing =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            other.toString(),
            "-o",
            dir.resolve("r.json").toString(),
            "--no-progress");
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("does not serve model llama (it serves: m1, m2)");
  }

  @Test
  void unreadableOrTamperedWorkloadsAreRefused() throws Exception {
    Result none =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            dir.resolve("nope.jsonl").toString(),
            "-o",
            dir.resolve("r.json").toString());
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("no such workload file");
    String w = workload("w.jsonl");
    Files.writeString(Path.of(w), Files.readString(Path.of(w)).replace("\"seed\":", "\"seed\": "));
    Result tampered = bench("verify", w);
    assertThat(tampered.code()).isEqualTo(1);
    assertThat(tampered.err()).contains("content hash mismatch");
    Result ok = bench("verify", workload("fresh.jsonl"));
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("60 requests over").contains("per model: {m1=");
  }

  @Test
  void anInvalidRunExitsOneAndSaysWhyLoudly() throws Exception {
    // a lag gate of zero, with no allowance in proportion to the TTFT, cannot be met: the run is
    // measured but
    // declared invalid
    String w = workload("w.jsonl");
    Path out = dir.resolve("inv.json");
    Result r =
        bench(
            "run",
            "--url",
            "http://127.0.0.1:" + mock.port(),
            "-w",
            w,
            "-o",
            out.toString(),
            "--no-progress",
            "--max-schedule-lag-ms",
            "0",
            "--max-schedule-lag-share",
            "0");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.out())
        .contains("!! INVALID RUN")
        .contains("exceeds --max-schedule-lag-ms 0:")
        .contains("raise --max-schedule-lag-ms or --max-schedule-lag-share");
    JsonNode j = new ObjectMapper().readTree(out.toFile());
    assertThat(j.path("valid").asBoolean()).isFalse();
    assertThat(j.path("validity").path("reasons").get(0).asText())
        .contains("the generator fell behind");
  }
}
