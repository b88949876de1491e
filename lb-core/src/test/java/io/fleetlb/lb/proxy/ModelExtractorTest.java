package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.Reason;
import io.fleetlb.lb.policy.RequestInfo;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ModelExtractorTest {
  private static ModelExtractor.Result of(String json) {
    return ModelExtractor.extract(Buffer.buffer(json));
  }

  @Test
  void findsTheTopLevelModel() {
    assertThat(of("{\"model\":\"m/A\",\"messages\":[]}").model()).isEqualTo("m/A");
    assertThat(of("{\"messages\":[{\"model\":\"inner\"}],\"x\":{\"model\":\"y\"},\"model\":\"top\"}")
        .model()).isEqualTo("top");
    assertThat(of(" \n{ \"model\" : \"\\u006d\" } \n").model()).isEqualTo("m");
  }

  @Test
  void aDuplicateModelKeyRoutesOnTheLastOneLikeTheReplica() {
    assertThat(of("{\"model\":\"a\",\"model\":\"b\"}").model()).isEqualTo("b");
  }

  @Test
  void reportsAMissingOrNonStringModel() {
    assertThat(of("{\"messages\":[]}").problem()).isEqualTo(Reason.MISSING_MODEL);
    assertThat(of("{\"model\":3}").problem()).isEqualTo(Reason.MISSING_MODEL);
    assertThat(of("{\"model\":\"\"}").problem()).isEqualTo(Reason.MISSING_MODEL);
    assertThat(of("{\"model\":null}").message()).contains("you must provide a model parameter");
  }

  @Test
  void reportsBadJsonWithoutEchoingIt() {
    ModelExtractor.Result r = of("{\"model\":\"m\", secret-prompt }");
    assertThat(r.problem()).isEqualTo(Reason.BAD_JSON);
    assertThat(r.message()).contains("line 1").doesNotContain("secret");
    assertThat(of("").problem()).isEqualTo(Reason.BAD_JSON);
    assertThat(of("[1,2]").message()).isEqualTo("The request body must be a JSON object");
    assertThat(of("{\"model\":\"m\"} {\"model\":\"n\"}").problem()).isEqualTo(Reason.BAD_JSON);
    assertThat(of("{\"model\":\"m\"").problem()).isEqualTo(Reason.BAD_JSON);
  }

  @Test
  void handlesLongPrompts() {
    String prompt = "x".repeat(2 * 1024 * 1024);
    assertThat(of("{\"prompt\":\"" + prompt + "\",\"model\":\"big\"}").model()).isEqualTo("big");
  }

  @Test
  void estimatesChatPromptsFromMessageTextAndReadsTheOutputBound() {
    // 2 messages: 8 + 12 characters -> 5 tokens of text, plus 4 per message.
    ModelExtractor.Result r = of("{\"model\":\"m\",\"messages\":[{\"role\":\"system\","
        + "\"content\":\"12345678\"},{\"role\":\"user\",\"content\":[{\"type\":\"text\","
        + "\"text\":\"abcdefghijkl\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}}]}],"
        + "\"max_completion_tokens\":300,\"max_tokens\":7,\"stream\":true}");
    assertThat(r.info()).isEqualTo(new RequestInfo(5 + 8, 300, true));
    assertThat(r.info().committedTokens()).isEqualTo(313);
  }

  @Test
  void estimatesCompletionPromptsIncludingTokenIdsAndBatches() {
    assertThat(of("{\"model\":\"m\",\"prompt\":\"" + "y".repeat(4000) + "\",\"max_tokens\":16}")
        .info()).isEqualTo(new RequestInfo(1000, 16, false));
    assertThat(of("{\"model\":\"m\",\"prompt\":[1,2,3,4,5]}").info().promptTokens()).isEqualTo(5);
    assertThat(of("{\"model\":\"m\",\"prompt\":[[1,2],[3]]}").info().promptTokens()).isEqualTo(3);
    assertThat(of("{\"model\":\"m\",\"prompt\":[\"abcd\",\"efgh\"]}").info().promptTokens())
        .isEqualTo(2);
    // Characters, not UTF-8 bytes or escapes: the text the tokenizer will see.
    assertThat(of("{\"model\":\"m\",\"prompt\":\"\u00e9\u00e9\u00e9\u00e9\\n\\n\\n\\n\"}").info()
        .promptTokens()).isEqualTo(2);
  }

  @Test
  void oddShapesAreSkippedNotRefused() {
    assertThat(of("{\"model\":\"m\",\"messages\":\"hi\",\"max_tokens\":\"10\",\"stream\":\"yes\"}")
        .info()).isEqualTo(RequestInfo.UNKNOWN);
    assertThat(of("{\"model\":\"m\",\"messages\":[1,{\"content\":{\"a\":[\"b\"]}},[]],"
        + "\"prompt\":{\"x\":1},\"max_tokens\":-5}").info())
        .as("one message without text: its template tokens only")
        .isEqualTo(new RequestInfo(RequestInfo.TOKENS_PER_MESSAGE, 0, false));
    assertThat(of("{\"model\":\"m\",\"max_tokens\":123456789012345678901234567890}").info()
        .maxTokens()).isEqualTo(Integer.MAX_VALUE);
    assertThat(of("{\"model\":\"m\",\"max_tokens\":64,\"max_completion_tokens\":null}").info()
        .maxTokens()).isEqualTo(64);
    assertThat(of("{\"model\":\"m\",\"messages\":[{\"content\":\"abcd\"}").problem())
        .isEqualTo(Reason.BAD_JSON);
  }

  private static String prompt(String json) {
    return ModelExtractor.extract(Buffer.buffer(json), true).info().prompt();
  }

  @Test
  void thePromptTextIsCanonicalWhateverTheKeyOrderAndEscaping() {
    String us = String.valueOf(RequestInfo.ROLE_END);
    String rs = String.valueOf(RequestInfo.MESSAGE_END);
    String expected = "system" + us + "Be brief." + rs + "user" + us + "Hi \u00e9" + rs;
    assertThat(prompt("{\"model\":\"m\",\"messages\":[{\"role\":\"system\","
        + "\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hi \u00e9\"}]}"))
        .isEqualTo(expected);
    // Content before role, escapes, text parts: the same text.
    assertThat(prompt("{ \"messages\" : [ {\"content\":\"Be brief.\", \"role\":\"system\"},"
        + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Hi \"},"
        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"x\"}},"
        + "{\"type\":\"text\",\"text\":\"\\u00e9\"}]}], \"model\":\"m\"}"))
        .isEqualTo(expected);
    assertThat(prompt("{\"model\":\"m\",\"prompt\":\"Once upon\"}")).isEqualTo("Once upon");
    assertThat(prompt("{\"model\":\"m\",\"prompt\":[[1,2],[30]]}"))
        .isEqualTo("1,2," + rs + "30," + rs);
    // A duplicate key: the last one, as for the size.
    assertThat(prompt("{\"model\":\"m\",\"prompt\":\"a\",\"prompt\":\"b\"}"))
        .isEqualTo("b");
  }

  @Test
  void withoutBeingAskedThePromptIsNotCopied() {
    assertThat(of("{\"model\":\"m\",\"prompt\":\"Once upon\"}").info().prompt()).isEmpty();
    assertThat(of("{\"model\":\"m\",\"prompt\":\"Once upon\"}").info().body()).isNull();
  }
}
