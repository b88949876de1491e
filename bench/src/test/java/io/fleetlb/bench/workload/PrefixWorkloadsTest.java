package io.fleetlb.bench.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The prefix-heavy generators: prefix_repetition, shared system prompts, multi-turn sessions. */
class PrefixWorkloadsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static SettingsBuilder prefixRepetition(int numPrompts, int numPrefixes) {
    SettingsBuilder b = new SettingsBuilder().model("m", 1);
    b.datasetName = "prefix_repetition";
    b.numPrompts = numPrompts;
    b.prefixRepetitionPrefixLen = 40;
    b.prefixRepetitionSuffixLen = 12;
    b.prefixRepetitionNumPrefixes = numPrefixes;
    b.prefixRepetitionOutputLen = 7;
    b.requestRate = 50;
    b.seed = 3;
    return b;
  }

  static String userText(WorkloadRequest r) throws Exception {
    JsonNode m = JSON.readTree(r.body()).path("messages");
    return m.get(m.size() - 1).path("content").asText();
  }

  static byte[] bytes(Workload w) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkloadFile.write(w, out);
    return out.toByteArray();
  }

  @Test
  void prefixRepetitionCountsMatchVllms() throws Exception {
    // vLLM: prompts per prefix = num_requests // num_prefixes, so 26 prompts over 4 prefixes is 24
    Workload w = WorkloadGenerator.generate(prefixRepetition(26, 4).build());
    assertThat(w.requests()).hasSize(24);
    assertThat(w.header().path("num_requests").asInt()).isEqualTo(24);
    assertThat(w.header().path("dataset").path("prompts_per_prefix").asInt()).isEqualTo(6);
    Map<String, Integer> perPrefix = new HashMap<>();
    Set<String> suffixes = new HashSet<>();
    List<String> order = new ArrayList<>();
    for (WorkloadRequest r : w.requests()) {
      String[] words = userText(r).split(" ");
      assertThat(words).hasSize(52);
      String prefix = String.join(" ", java.util.Arrays.copyOfRange(words, 0, 40));
      perPrefix.merge(prefix, 1, Integer::sum);
      suffixes.add(String.join(" ", java.util.Arrays.copyOfRange(words, 40, 52)));
      order.add(prefix);
      assertThat(r.inputTokens()).isEqualTo(52).isEqualTo(SimTokens.count(userText(r)));
      assertThat(r.outputTokens()).isEqualTo(7);
      assertThat(JSON.readTree(r.body()).path("max_completion_tokens").asInt()).isEqualTo(7);
      assertThat(JSON.readTree(r.body()).path("ignore_eos").asBoolean()).isTrue();
    }
    assertThat(perPrefix).hasSize(4).allSatisfy((p, n) -> assertThat(n).isEqualTo(6));
    assertThat(suffixes).hasSize(24);
    // shuffled as vLLM does: the prefixes are not sent in blocks
    List<String> blocks = new ArrayList<>(order);
    blocks.sort(java.util.Comparator.comparingInt(order::indexOf));
    assertThat(order).isNotEqualTo(blocks);
  }

  @Test
  void prefixRepetitionIsFrozenBySeedAndSettings() throws Exception {
    Workload a = WorkloadGenerator.generate(prefixRepetition(20, 2).build());
    Workload b = WorkloadGenerator.generate(prefixRepetition(20, 2).build());
    assertThat(bytes(a)).isEqualTo(bytes(b));
    SettingsBuilder longer = prefixRepetition(20, 2);
    longer.prefixRepetitionPrefixLen = 41;
    assertThat(WorkloadGenerator.generate(longer.build()).contentSha256())
        .isNotEqualTo(a.contentSha256());
    SettingsBuilder seeded = prefixRepetition(20, 2);
    seeded.seed = 4;
    assertThat(WorkloadGenerator.generate(seeded.build()).contentSha256())
        .isNotEqualTo(a.contentSha256());
    assertThat(a.settings().path("prefix_repetition_num_prefixes").asInt()).isEqualTo(2);
    assertThat(a.settings().has("num_sessions")).isFalse();
  }

  @Test
  void prefixRepetitionRefusesWhatVllmRefuses() {
    assertThatThrownBy(() -> prefixRepetition(3, 4).build())
        .hasMessage("--num-prompts (3) must be >= --prefix-repetition-num-prefixes (4)");
    SettingsBuilder classes = prefixRepetition(10, 2);
    classes.classes.add(RequestClass.parse("a:1:input=5:output=5"));
    assertThatThrownBy(classes::build).hasMessageContaining("--prefix-repetition-* flags");
    SettingsBuilder zero = prefixRepetition(10, 0);
    assertThatThrownBy(zero::build)
        .hasMessage("--prefix-repetition-num-prefixes must be >= 1, got 0");
  }

  static SettingsBuilder withSystemPrompts(String endpoint, int tokens) {
    SettingsBuilder b = new SettingsBuilder().model("m", 1);
    b.endpoint = endpoint;
    b.numPrompts = 40;
    b.seed = 9;
    b.classes.add(
        RequestClass.parse(
            "support:1:input=uniform(5,20):output=4:system_prompt_tokens="
                + tokens
                + ":system_prompts=2"));
    b.classes.add(RequestClass.parse("plain:1:input=uniform(5,20):output=4"));
    return b;
  }

  @Test
  void everyRequestOfAClassStartsWithOneOfItsSystemPrompts() throws Exception {
    Workload w = WorkloadGenerator.generate(withSystemPrompts("/v1/chat/completions", 30).build());
    Set<String> systems = new HashSet<>();
    int support = 0;
    for (WorkloadRequest r : w.requests()) {
      JsonNode messages = JSON.readTree(r.body()).path("messages");
      if (r.className().equals("support")) {
        support++;
        assertThat(messages).hasSize(2);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
        String system = messages.get(0).path("content").asText();
        assertThat(SimTokens.count(system)).isEqualTo(30);
        systems.add(system);
        assertThat(r.inputTokens())
            .isEqualTo(30 + SimTokens.count(messages.get(1).path("content").asText()));
      } else {
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).path("role").asText()).isEqualTo("user");
      }
    }
    assertThat(support).isGreaterThan(5);
    assertThat(systems).hasSize(2);
    assertThat(w.settings().path("classes").get(0).asText())
        .isEqualTo(
            "support:1.0:input=uniform(5,20):output=fixed(4):system_prompt_tokens=30"
                + ":system_prompts=2");

    // completions: the system text and a newline before the prompt
    Workload c = WorkloadGenerator.generate(withSystemPrompts("/v1/completions", 30).build());
    WorkloadRequest first =
        c.requests().stream().filter(r -> r.className().equals("support")).findFirst().get();
    String prompt = JSON.readTree(first.body()).path("prompt").asText();
    assertThat(systems).anySatisfy(s -> assertThat(prompt).startsWith(s + "\n"));

    // the same settings give the same bytes; a longer system prompt changes the hash
    assertThat(
            bytes(
                WorkloadGenerator.generate(withSystemPrompts("/v1/chat/completions", 30).build())))
        .isEqualTo(bytes(w));
    assertThat(
            WorkloadGenerator.generate(withSystemPrompts("/v1/chat/completions", 31).build())
                .contentSha256())
        .isNotEqualTo(w.contentSha256());
  }

  @Test
  void classSystemPromptKeysAreChecked() {
    assertThatThrownBy(() -> RequestClass.parse("a:1:input=5:output=5:system_prompts=2"))
        .hasMessageContaining("system_prompts=K needs system_prompt_tokens=N");
    assertThatThrownBy(() -> RequestClass.parse("a:1:input=5:output=5:system_prompt_tokens=x"))
        .hasMessageContaining("system_prompt_tokens 'x' is not a whole number");
    assertThatThrownBy(() -> RequestClass.parse("a:1:input=5:output=5:sytem=3"))
        .hasMessageContaining("expected system_prompt_tokens=N or system_prompts=K");
    assertThat(RequestClass.parse("a:1:input=5:output=5:system_prompt_tokens=8").canonical())
        .isEqualTo("a:1.0:input=fixed(5):output=fixed(5):system_prompt_tokens=8");
  }

  static SettingsBuilder sessions() {
    SettingsBuilder b = new SettingsBuilder().model("m", 1);
    b.seed = 11;
    b.requestRate = 2;
    b.numSessions = 6;
    b.sessionTurnsMean = 3.0;
    b.sessionTurnsStddev = 1.0;
    b.sessionTurnDelayMean = 500.0;
    b.sessionTurnDelayStddev = 100.0;
    b.classes.add(
        RequestClass.parse(
            "chat:1:input=uniform(5,15):output=uniform(3,9):system_prompt_tokens=20"));
    return b;
  }

  @Test
  void aTurnResendsThePreviousTurnAndItsFrozenAnswer() throws Exception {
    Workload w = WorkloadGenerator.generate(sessions().build());
    assertThat(w.header().path("format_version").asInt())
        .isEqualTo(WorkloadFile.SESSIONS_FORMAT_VERSION);
    assertThat(w.header().path("sessions").path("sessions").asInt()).isEqualTo(6);
    assertThat(w.header().path("sessions").path("turns").asInt()).isEqualTo(w.requests().size());
    assertThat(w.requests().size()).isGreaterThan(6);
    WorkloadRequest previous = null;
    Set<Integer> sessionsSeen = new HashSet<>();
    for (WorkloadRequest r : w.requests()) {
      WorkloadRequest.Turn t = r.turn();
      JsonNode messages = JSON.readTree(r.body()).path("messages");
      assertThat(messages.get(0).path("role").asText()).isEqualTo("system");
      assertThat(messages.get(messages.size() - 1).path("role").asText()).isEqualTo("user");
      assertThat(messages.size()).isEqualTo(2 + 2 * t.turnIndex());
      int tokens = 0;
      for (JsonNode m : messages) {
        tokens += SimTokens.count(m.path("content").asText());
      }
      assertThat(r.inputTokens()).isEqualTo(tokens);
      if (t.turnIndex() == 0) {
        assertThat(sessionsSeen.add(t.sessionId())).isTrue();
        assertThat(t.thinkTimeNanos()).isZero();
        if (previous != null) {
          assertThat(r.offsetNanos()).isGreaterThanOrEqualTo(previous.offsetNanos());
        }
      } else {
        // turn t = turn t-1's messages + its answer (of t-1's expected length) + a new message
        assertThat(t.sessionId()).isEqualTo(previous.turn().sessionId());
        assertThat(t.turnIndex()).isEqualTo(previous.turn().turnIndex() + 1);
        assertThat(r.offsetNanos()).isEqualTo(previous.offsetNanos());
        assertThat(r.model()).isEqualTo(previous.model());
        JsonNode before = JSON.readTree(previous.body()).path("messages");
        for (int i = 0; i < before.size(); i++) {
          assertThat(messages.get(i)).isEqualTo(before.get(i));
        }
        JsonNode answer = messages.get(before.size());
        assertThat(answer.path("role").asText()).isEqualTo("assistant");
        assertThat(SimTokens.count(answer.path("content").asText()))
            .isEqualTo(previous.outputTokens());
        assertThat(t.thinkTimeNanos()).isGreaterThan(0);
      }
      previous = r;
    }
    assertThat(sessionsSeen).hasSize(6);

    // the file round-trips and the hash covers the session fields
    byte[] file = bytes(w);
    Workload back = WorkloadFile.read(new ByteArrayInputStream(file), "w");
    assertThat(back.requests())
        .extracting(WorkloadRequest::turn)
        .isEqualTo(w.requests().stream().map(WorkloadRequest::turn).toList());
    assertThat(file).isEqualTo(bytes(WorkloadGenerator.generate(sessions().build())));
    SettingsBuilder slower = sessions();
    slower.sessionTurnDelayMean = 600.0;
    assertThat(WorkloadGenerator.generate(slower.build()).contentSha256())
        .isNotEqualTo(w.contentSha256());
    assertThat(w.settings().path("session_turn_delay_mean").asDouble()).isEqualTo(500.0);
  }

  @Test
  void numPromptsCapsTheTurns() throws Exception {
    SettingsBuilder b = sessions();
    b.numPrompts = 5;
    Workload w = WorkloadGenerator.generate(b.build());
    assertThat(w.requests()).hasSize(5);
    assertThat(w.header().path("num_requests").asInt()).isEqualTo(5);
  }

  @Test
  void sessionSettingsAreChecked() {
    SettingsBuilder completions = sessions();
    completions.endpoint = "/v1/completions";
    assertThatThrownBy(completions::build).hasMessageContaining("needs a chat endpoint");
    SettingsBuilder stray = new SettingsBuilder().model("m", 1);
    stray.sessionTurnDelayMean = 10.0;
    assertThatThrownBy(stray::build).hasMessage("--session-turn-delay-mean needs --num-sessions N");
    SettingsBuilder turns = sessions();
    turns.sessionTurnsMean = 0.5;
    assertThatThrownBy(turns::build).hasMessage("--session-turns-mean must be >= 1, got 0.5");
    SettingsBuilder file = sessions();
    file.classes.clear();
    file.datasetName = "sharegpt";
    assertThatThrownBy(file::build).hasMessageContaining("needs a synthetic dataset");
  }

  @Test
  void sessionLinesAreCheckedOnRead() throws Exception {
    Workload w = WorkloadGenerator.generate(sessions().build());
    String text = new String(bytes(w), java.nio.charset.StandardCharsets.UTF_8);
    // an older header version must not carry sessions
    String v1 = text.replaceFirst("\"format_version\":2", "\"format_version\":1");
    assertThatThrownBy(
            () ->
                WorkloadFile.read(
                    new ByteArrayInputStream(v1.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    "w"))
        .hasMessageContaining("needs header format_version 2");
  }
}
