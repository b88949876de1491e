package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.lb.log.Reason;
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
}
