package io.fleetlb.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
  @TempDir Path dir;

  @Test
  void shareGptFiltersLikeVllmAndSamplesDeterministically() throws Exception {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < 50; i++) {
      String prompt = ("word ").repeat(5 + i);
      String reply =
          ("reply ").repeat(i % 2 == 0 ? 10 : 2); // odd ones have a 2-token reply: filtered out
      sb.append(i > 0 ? "," : "")
          .append("{\"id\":\"")
          .append(i)
          .append("\",\"conversations\":[{\"from\":\"human\",\"value\":\"")
          .append(prompt)
          .append("\"},{\"from\":\"gpt\",\"value\":\"")
          .append(reply)
          .append("\"}]}");
    }
    sb.append(",{\"conversations\":[{\"from\":\"human\",\"value\":\"only one turn\"}]}]");
    Path f = dir.resolve("sharegpt.json");
    Files.writeString(f, sb.toString());
    var a = ShareGptDataset.load(f, 10, null, new Rng(1, "sharegpt"));
    var b = ShareGptDataset.load(f, 10, null, new Rng(1, "sharegpt"));
    assertThat(a.conversations()).isEqualTo(51);
    assertThat(a.valid()).isEqualTo(25);
    assertThat(a.samples()).isEqualTo(b.samples()).hasSize(10);
    assertThat(a.samples()).extracting(PromptSample::outputTokens).containsOnly(10);
    assertThat(a.samples()).allMatch(s -> s.inputTokens() >= 5);
    var over =
        ShareGptDataset.load(
            f, 60, 7, new Rng(1, "sharegpt")); // with a fixed length all 50 qualify
    assertThat(over.oversampled()).isTrue();
    assertThat(over.valid()).isEqualTo(50);
    assertThat(over.samples()).hasSize(60).allMatch(s -> s.outputTokens() == 7);

    SettingsBuilder s = new SettingsBuilder().model("m", 1);
    s.datasetName = "sharegpt";
    s.datasetPath = f.toString();
    s.numPrompts = 5;
    Workload w = WorkloadGenerator.generate(s.build());
    assertThat(w.header().path("dataset").path("sha256").asText()).hasSize(64);
    assertThat(new ObjectMapper().readTree(w.requests().get(0).body()).has("ignore_eos")).isFalse();
  }

  @Test
  void shareGptErrors() throws Exception {
    Path f = dir.resolve("x.json");
    Files.writeString(f, "\"just a string\"");
    assertThatThrownBy(() -> ShareGptDataset.load(f, 1, null, new Rng(0, "s")))
        .hasMessageContaining("not a ShareGPT file");
    Files.writeString(f, "[]");
    assertThatThrownBy(() -> ShareGptDataset.load(f, 1, null, new Rng(0, "s")))
        .hasMessageContaining("no usable conversation");
  }

  @Test
  void burstGptAndAzureCsvAndMooncakeJsonl() throws Exception {
    Path burst = dir.resolve("burst.csv");
    Files.writeString(
        burst,
        "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n"
            + "5,ChatGPT,100,20,120,Conversation log\n"
            + "6.5,GPT-4,50,0,50,Conversation log\n"
            + "7,GPT-4,30,5,35,API log\n");
    var b = TraceDataset.load(burst, "auto");
    assertThat(b.rows()).hasSize(2);
    assertThat(b.skipped()).isEqualTo(1);
    assertThat(b.rows().get(1).timestampNanos() - b.rows().get(0).timestampNanos())
        .isEqualTo(2_000_000_000L);

    Path azure = dir.resolve("azure.csv");
    Files.writeString(
        azure,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n"
            + "2023-11-16 18:15:46.6805900,374,44\n2023-11-16 18:15:50.9951690,396,109\n");
    var a = TraceDataset.load(azure, "auto");
    assertThat(a.rows().get(1).timestampNanos() - a.rows().get(0).timestampNanos())
        .isEqualTo(4_314_579_000L);

    Path moon = dir.resolve("mooncake.jsonl");
    Files.writeString(
        moon,
        "{\"timestamp\": 0, \"input_length\": 6955, \"output_length\": 52, \"hash_ids\": [1,2]}\n"
            + "{\"timestamp\": 1500, \"input_length\": 100, \"output_length\": 10}\n");
    var m = TraceDataset.load(moon, "auto");
    assertThat(m.timeUnit()).isEqualTo("ms");
    assertThat(m.rows().get(1).timestampNanos()).isEqualTo(1_500_000_000L);

    SettingsBuilder s = new SettingsBuilder().model("m", 1);
    s.datasetName = "trace";
    s.datasetPath = moon.toString();
    s.traceTimeScale = 2.0;
    Workload w = WorkloadGenerator.generate(s.build());
    assertThat(w.requests()).hasSize(2);
    assertThat(w.requests().get(1).offsetNanos()).isEqualTo(3_000_000_000L);
    assertThat(w.requests().get(0).inputTokens()).isEqualTo(6955);
    assertThat(w.requests().get(0).outputTokens()).isEqualTo(52);
  }

  @Test
  void traceErrorsNameLineAndField() throws Exception {
    Path f = dir.resolve("t.csv");
    Files.writeString(f, "when,in,out\n1,2,3\n");
    assertThatThrownBy(() -> TraceDataset.load(f, "auto"))
        .hasMessageContaining("no timestamp column");
    Files.writeString(f, "timestamp,input_tokens,output_tokens\n1,2,3\nyesterday,2,3\n");
    assertThatThrownBy(() -> TraceDataset.load(f, "auto"))
        .hasMessageContaining("t.csv:3: timestamp 'yesterday'");
    Files.writeString(f, "timestamp,input_tokens,output_tokens\n1,2.5,3\n");
    assertThatThrownBy(() -> TraceDataset.load(f, "auto"))
        .hasMessageContaining("input length '2.5' is not a whole number");
  }

  @Test
  void sonnetPromptsShareTheirPrefix() throws Exception {
    SettingsBuilder s = new SettingsBuilder().model("m", 1);
    s.datasetName = "sonnet";
    s.numPrompts = 20;
    s.sonnetPrefixLen = 60;
    s.sonnetInputLen = 150;
    Workload w = WorkloadGenerator.generate(s.build());
    String a =
        new ObjectMapper()
            .readTree(w.requests().get(0).body())
            .path("messages")
            .get(0)
            .path("content")
            .asText();
    String b =
        new ObjectMapper()
            .readTree(w.requests().get(1).body())
            .path("messages")
            .get(0)
            .path("content")
            .asText();
    int common = 0;
    while (common < Math.min(a.length(), b.length()) && a.charAt(common) == b.charAt(common)) {
      common++;
    }
    assertThat(SimTokens.count(a.substring(0, common))).isGreaterThanOrEqualTo(59);
    assertThat(a).startsWith(SonnetDataset.INSTRUCTION);
    assertThat(w.requests()).allMatch(r -> r.inputTokens() == 150 && r.outputTokens() == 150);
    Path lines = dir.resolve("sonnet.txt");
    Files.writeString(
        lines,
        "Shall I compare thee to a summer's day?\nThou art more lovely and more temperate:\n");
    s.datasetPath = lines.toString();
    Workload fromFile = WorkloadGenerator.generate(s.build());
    assertThat(new String(fromFile.requests().get(0).body())).contains("Shall I compare thee");
  }

  @Test
  void settingsValidationNamesTheFlag() {
    SettingsBuilder s = new SettingsBuilder();
    assertThatThrownBy(s::build).hasMessageContaining("--model");
    s.model("m", 1);
    s.rampUpStrategy = "linear";
    assertThatThrownBy(s::build).hasMessageContaining("--ramp-up-start-rps");
    s.rampUpStrategy = null;
    s.arrivalPattern = "poisson";
    s.burstiness = 0.5;
    assertThatThrownBy(s::build)
        .hasMessageContaining("--arrival-pattern poisson means --burstiness 1");
    s.arrivalPattern = null;
    s.extraBody = "[1]";
    assertThatThrownBy(s::build).hasMessageContaining("--extra-body must be a JSON object");
    s.extraBody = null;
    s.datasetName = "trace";
    s.classes.add(RequestClass.parse("a:1:input=1:output=1"));
    assertThatThrownBy(s::build).hasMessageContaining("--class needs a synthetic dataset");
  }
}
