package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessProbeTest {
  @Test
  void acceptsAModelListServingEveryModel() throws Exception {
    assertThat(
            ReadinessProbe.validate(
                "http://h:1",
                200,
                "{\"object\":\"list\",\"data\":[{\"id\":\"a\"},{\"id\":\"b\"}]}".getBytes(),
                List.of("a", "b")))
        .containsExactly("a", "b");
  }

  @Test
  void explainsEachWayToFail() {
    assertThatThrownBy(() -> ReadinessProbe.validate("http://h:1", 404, new byte[0], List.of("a")))
        .hasMessage(
            "http://h:1 is not an OpenAI-compatible server: GET /v1/models answered HTTP 404");
    assertThatThrownBy(() -> ReadinessProbe.validate("http://h:1", 401, new byte[0], List.of("a")))
        .hasMessageContaining("--header 'Authorization=Bearer KEY'");
    assertThatThrownBy(
            () ->
                ReadinessProbe.validate(
                    "http://h:1", 200, "{\"status\":\"ok\"}".getBytes(), List.of("a")))
        .hasMessageContaining("did not return a model list");
    assertThatThrownBy(
            () ->
                ReadinessProbe.validate(
                    "http://h:1", 200, "{\"data\":[]}".getBytes(), List.of("a", "b")))
        .hasMessage("http://h:1 does not serve models a, b (it serves: nothing)");
  }
}
