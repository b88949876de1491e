package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamEventTest {
  static StreamEvent of(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return StreamEvent.classify(b, b.length);
  }

  @Test
  void tokenEventsAreNonEmptyChoicesEvenWithEmptyText() {
    assertThat(
            of("{\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}")
                .token())
        .isTrue();
    assertThat(
            of("{\"choices\":[{\"index\":0,\"text\":\" hi\",\"logprobs\":null}],\"usage\":null}")
                .token())
        .isTrue();
    assertThat(of("{\"choices\":[]}").token()).isFalse();
    assertThat(of("{\"id\":\"x\"}").token()).isFalse();
  }

  @Test
  void usageOnlyChunkCarriesCountsButIsNotAToken() {
    StreamEvent e =
        of(
            "{\"id\":\"c\",\"choices\":[],\"usage\":{\"prompt_tokens\":26,\"total_tokens\":30,\"completion_tokens\":4}}");
    assertThat(e.token()).isFalse();
    assertThat(e.hasUsage()).isTrue();
    assertThat(e.promptTokens()).isEqualTo(26);
    assertThat(e.completionTokens()).isEqualTo(4);
    // continuous usage stats ride on token chunks
    StreamEvent both =
        of(
            "{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":2}}");
    assertThat(both.token()).isTrue();
    assertThat(both.completionTokens()).isEqualTo(2);
  }

  @Test
  void errorsInBothVllmShapes() {
    assertThat(
            of("{\"error\":{\"message\":\"KV cache"
                   + " exhausted\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}")
                .error())
        .isEqualTo("KV cache exhausted (code 500)");
    assertThat(
            of("{\"object\":\"error\",\"message\":\"bad\",\"type\":\"BadRequestError\",\"param\":null,\"code\":400}")
                .error())
        .isEqualTo("bad");
    assertThat(of("{\"error\":\"plain\"}").error()).isEqualTo("plain");
    assertThat(of("{\"error\":null,\"choices\":[{}]}").error()).isNull();
  }

  @Test
  void doneAndGarbage() {
    assertThat(of("[DONE]").done()).isTrue();
    StreamEvent bad = of("{\"choices\":[");
    assertThat(bad.invalid()).isTrue();
    assertThat(bad.error()).contains("invalid JSON");
    assertThat(of("hello").invalid()).isTrue();
  }
}
