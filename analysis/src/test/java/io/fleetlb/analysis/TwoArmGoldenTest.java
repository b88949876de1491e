package io.fleetlb.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two-arm report is unchanged by multi-arm support: comparison.json, report.md and the console
 * table of a fixed A/B equal, byte for byte, what compare.sh wrote before it had more than two arms
 * (src/test/resources/golden/two-arm, made by that version on the same inputs).
 */
class TwoArmGoldenTest {
  @TempDir Path dir;

  static String golden(String name) throws IOException {
    try (InputStream in = TwoArmGoldenTest.class.getResourceAsStream("/golden/two-arm/" + name)) {
      assertThat(in).as("golden file " + name).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** Two models, two repetitions, a managed arm faster on one model and failing nothing. */
  static void inputs(Path ab) {
    for (int k = 1; k <= 2; k++) {
      int rep = k;
      SyntheticRun.of(80)
          .label("lb-roundrobin")
          .models("m-small", "m-large")
          .ttft(i -> 80 + (i % 7) * 20 + rep)
          .write(ab.resolve("baseline/rep" + k));
      SyntheticRun.of(80)
          .label("lb-queue-aware")
          .models("m-small", "m-large")
          .ttft(i -> i % 2 == 0 ? 70 + (i % 5) * 10 + rep : 90 + (i % 7) * 20)
          .tpot(i -> 9 + i % 3)
          .write(ab.resolve("managed/rep" + k));
    }
  }

  @Test
  void twoArmOutputIsByteForByteThePreMultiArmOne() throws Exception {
    Path ab = dir.resolve("ab");
    inputs(ab);
    MainTest.Result r =
        MainTest.run(
            ab.resolve("baseline").toString(),
            ab.resolve("managed").toString(),
            "--bootstrap",
            "300");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(ab.resolve("comparison.json")))
        .isEqualTo(golden("comparison.json"));
    assertThat(Files.readString(ab.resolve("report.md"))).isEqualTo(golden("report.md"));
    // the last line names the temporary output folder
    String table = r.out().substring(0, r.out().lastIndexOf("wrote "));
    assertThat(table).isEqualTo(golden("stdout.txt"));
  }
}
