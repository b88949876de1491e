package io.fleetlb.lb.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.fleetlb.lb.log.LogfmtLine;
import io.fleetlb.lb.log.Reason;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer fuzz targets for the two places client bytes are interpreted before anything else:
 * model extraction (any body yields a model or a 400 reason, never an exception) and the access
 * log's value escaping (any value stays one field on one line).
 *
 * <p>Under {@code mvn verify} each file under
 * {@code src/test/resources/io/fleetlb/lb/proxy/RequestParsingFuzzTestInputs/<method>/} is
 * replayed once. A fuzzing campaign runs one target until a finding or {@code maxDuration}:
 * <pre>
 * cd lb-core &amp;&amp; JAZZER_FUZZ=1 ../mvnw -B verify -Dtest='RequestParsingFuzzTest#body' -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * A crash is written to the inputs directory; commit it and it replays as a regression test.
 */
class RequestParsingFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void body(byte[] data) {
    ModelExtractor.Result r = ModelExtractor.extract(Buffer.buffer(data));
    if (r.problem() == null) {
      assertThat(r.model()).isNotEmpty();
      assertThat(r.message()).isNull();
    } else {
      assertThat(r.problem()).isIn(Reason.BAD_JSON, Reason.MISSING_MODEL);
      assertThat(r.model()).isNull();
      assertThat(r.message()).isNotBlank();
    }
  }

  @FuzzTest(maxDuration = "2m")
  void logfmt(byte[] data) {
    String value = new String(data, StandardCharsets.UTF_8);
    String out = new LogfmtLine(64).pair("k", value).toString();
    assertThat(out).startsWith(" k=").doesNotContain("\n").doesNotContain("\r");
    String v = out.substring(3);
    if (v.startsWith("\"")) {
      // Quoted: every inner quote is escaped, so the value ends exactly at the last quote.
      assertThat(v).endsWith("\"");
      String inner = v.substring(1, v.length() - 1).replace("\\\\", "").replace("\\\"", "");
      assertThat(inner).doesNotContain("\"");
    } else {
      assertThat(v).doesNotContain(" ").doesNotContain("\"").doesNotContain("=");
    }
  }
}
