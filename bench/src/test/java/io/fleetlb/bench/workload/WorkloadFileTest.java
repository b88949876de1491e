package io.fleetlb.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkloadFileTest {
  @TempDir Path dir;

  static SettingsBuilder mix() {
    SettingsBuilder b = new SettingsBuilder().model("llama", 3).model("qwen", 1);
    b.numPrompts = 300;
    b.requestRate = 20;
    b.burstiness = 0.5;
    b.classes.add(
        RequestClass.parse(
            "short:0.7:input=lognormal(60,0.5,max=400):output=lognormal(40,0.8,max=300)"));
    b.classes.add(RequestClass.parse("long-decode:0.3:input=fixed(32):output=uniform(200,400)"));
    b.seed = 42;
    return b;
  }

  static byte[] bytes(Workload w) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkloadFile.write(w, out);
    return out.toByteArray();
  }

  @Test
  void sameSettingsAndSeedGiveTheSameBytes() throws Exception {
    byte[] a = bytes(WorkloadGenerator.generate(mix().build()));
    byte[] b = bytes(WorkloadGenerator.generate(mix().build()));
    assertThat(a).isEqualTo(b);
    SettingsBuilder other = mix();
    other.seed = 43;
    assertThat(bytes(WorkloadGenerator.generate(other.build()))).isNotEqualTo(a);
  }

  @Test
  void writesAndReadsBackWithEveryFieldAndExactBodyBytes() throws Exception {
    Workload w = WorkloadGenerator.generate(mix().build());
    Path f = dir.resolve("w.jsonl");
    WorkloadFile.write(w, f);
    Workload back = WorkloadFile.read(f);
    assertThat(back.contentSha256()).isEqualTo(w.contentSha256()).hasSize(64);
    assertThat(back.requests()).hasSize(300);
    for (int i = 0; i < 300; i++) {
      WorkloadRequest x = w.requests().get(i);
      WorkloadRequest y = back.requests().get(i);
      assertThat(y.body()).isEqualTo(x.body());
      assertThat(y.offsetNanos()).isEqualTo(x.offsetNanos());
      assertThat(y.model()).isEqualTo(x.model());
      assertThat(y.className()).isEqualTo(x.className());
      assertThat(y.outputTokens()).isEqualTo(x.outputTokens());
    }
    // the body bytes are a verbatim slice of the hashed line
    List<String> lines = Files.readAllLines(f);
    String line1 = lines.get(1);
    String body = new String(back.requests().get(0).body(), StandardCharsets.UTF_8);
    assertThat(line1).endsWith(",\"body\":" + body + "}");
  }

  @Test
  void bodiesAskForWhatVllmAsksFor() throws Exception {
    Workload w = WorkloadGenerator.generate(mix().build());
    JsonNode chat = new ObjectMapper().readTree(w.requests().get(0).body());
    assertThat(chat.path("stream").asBoolean()).isTrue();
    assertThat(chat.path("stream_options").path("include_usage").asBoolean()).isTrue();
    assertThat(chat.path("ignore_eos").asBoolean()).isTrue(); // random dataset, as vLLM forces
    assertThat(chat.path("max_completion_tokens").asInt())
        .isEqualTo(w.requests().get(0).outputTokens());
    assertThat(chat.path("seed").isIntegralNumber()).isTrue();
    assertThat(SimTokens.count(chat.path("messages").get(0).path("content").asText()))
        .isEqualTo(w.requests().get(0).inputTokens());
    SettingsBuilder c = mix();
    c.endpoint = "/v1/completions";
    c.ignoreEos = false;
    c.extraBody = "{\"temperature\":0,\"chat_template_kwargs\":{\"x\":1}}";
    JsonNode comp =
        new ObjectMapper().readTree(WorkloadGenerator.generate(c.build()).requests().get(0).body());
    assertThat(comp.has("prompt")).isTrue();
    assertThat(comp.has("max_tokens")).isTrue();
    assertThat(comp.has("ignore_eos")).isFalse();
    assertThat(comp.path("temperature").asInt()).isZero();
    assertThat(comp.path("chat_template_kwargs").path("x").asInt()).isEqualTo(1);
  }

  @Test
  void mixAndClassesFollowTheirWeights() throws Exception {
    SettingsBuilder b = mix();
    b.numPrompts = 4000;
    Workload w = WorkloadGenerator.generate(b.build());
    long llama = w.requests().stream().filter(r -> r.model().equals("llama")).count();
    long longDecode =
        w.requests().stream().filter(r -> "long-decode".equals(r.className())).count();
    assertThat(llama / 4000.0).isBetween(0.72, 0.78);
    assertThat(longDecode / 4000.0).isBetween(0.27, 0.33);
    assertThat(
            w.requests().stream()
                .filter(r -> "long-decode".equals(r.className()))
                .allMatch(
                    r ->
                        r.outputTokens() >= 200
                            && r.outputTokens() <= 400
                            && r.inputTokens() == 32))
        .isTrue();
    assertThat(w.header().path("span_s").asDouble()).isEqualTo(200.0); // 4000 requests at 20 req/s
  }

  @Test
  void aTamperedFileIsRefused() throws Exception {
    Path f = dir.resolve("w.jsonl");
    WorkloadFile.write(WorkloadGenerator.generate(mix().build()), f);
    String text = Files.readString(f);
    Files.writeString(
        f, text.replaceFirst("\"max_completion_tokens\":(\\d)", "\"max_completion_tokens\":9$1"));
    assertThatThrownBy(() -> WorkloadFile.read(f))
        .isInstanceOf(WorkloadFormatException.class)
        .hasMessageContaining("content hash mismatch")
        .hasMessageContaining("regenerate");
    // reformatting the header alone is caught too when it changes the declared count
    Files.writeString(f, text.replace("\"num_requests\":300", "\"num_requests\":301"));
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining("num_requests=301");
    Files.writeString(f, text.replace("\n", "\r\n"));
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining("content hash mismatch");
  }

  @Test
  void corruptOrForeignFilesGetOneLineErrors() throws Exception {
    Path f = dir.resolve("bad.jsonl");
    assertThatThrownBy(() -> WorkloadFile.read(dir.resolve("missing.jsonl")))
        .hasMessageContaining("no such workload file");
    Files.writeString(f, "");
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining("empty file");
    Files.writeString(f, "hello world\n");
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining(":1: not a workload file");
    Files.writeString(
        f, "{\"format\":\"fleetlb-workload\",\"format_version\":9,\"content_sha256\":\"x\"}\n");
    assertThatThrownBy(() -> WorkloadFile.read(f))
        .hasMessageContaining("unsupported format_version 9");
    String header =
        "{\"format\":\"fleetlb-workload\",\"format_version\":1,\"num_requests\":1,\"content_sha256\":\"x\"}\n";
    Files.writeString(
        f,
        header
            + "{\"index\":0,\"offset_ns\":-5,\"model\":\"m\",\"endpoint\":\"/v1/completions\",\"body\":{}}\n");
    assertThatThrownBy(() -> WorkloadFile.read(f))
        .hasMessageContaining(":2: field 'offset_ns' must be a non-negative integer, got -5");
    Files.writeString(
        f,
        header
            + "{\"index\":0,\"offset_ns\":5,\"model\":\"m\",\"endpoint\":\"/v1/completions\",\"body\":{\n");
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining(":2: not valid JSON");
    Files.writeString(
        f,
        header
            + "{\"index\":3,\"offset_ns\":5,\"model\":\"m\",\"endpoint\":\"/v1/completions\",\"body\":{}}\n");
    assertThatThrownBy(() -> WorkloadFile.read(f)).hasMessageContaining("field 'index' must be 0");
  }
}
