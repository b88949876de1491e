package io.fleetlb.sim.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.sim.engine.MetricsVersion;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WireFormatTest {

  @ParameterizedTest
  @CsvSource({"true, V1", "true, V0", "false, V1", "false, V0"})
  void preEncodedTokenEventsAreByteForByteTheSerialisedOnes(boolean chat, MetricsVersion version) {
    WireFormat w = new WireFormat(chat, version, "chatcmpl-abc", 1764763435, "org/mo\"del", false);
    for (String word : new String[] {"the", " router", ""}) {
      assertThat(w.tokenChunk(word.getBytes(StandardCharsets.UTF_8)).toString())
          .isEqualTo(w.tokenChunk(word, null).toString())
          .startsWith("data: {\"id\":\"chatcmpl-abc\"")
          .endsWith("}\n\n")
          .contains("\"model\":\"org/mo\\\"del\"");
    }
  }
}
