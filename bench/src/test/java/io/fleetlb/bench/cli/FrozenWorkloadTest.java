package io.fleetlb.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the exact bytes of workloads made before the prefix-heavy generators existed: a spec without
 * the new keys must keep its request lines (content hash) and its header, less the generator's
 * version, byte for byte.
 */
class FrozenWorkloadTest {
  @TempDir Path dir;

  @Test
  void theDemoSpecKeepsItsBytes() throws Exception {
    assertFrozen(
        "demo",
        new String[] {"--spec", "demo-workload.yaml", "--num-prompts", "60"},
        "51343f1877d33b3952b89cbaac178719c81443603d410c2d58a0357957aac639",
        "b8226a399213c09b97c104aeae96874f7297f0c879d11815645e323f7492ccd8");
  }

  @Test
  void randomAndSonnetKeepTheirBytes() throws Exception {
    assertFrozen(
        "random",
        new String[] {
          "--model",
          "m1=3",
          "--model",
          "m2",
          "--num-prompts",
          "40",
          "--request-rate",
          "5",
          "--burstiness",
          "0.5",
          "--random-input-len",
          "64",
          "--random-output-len",
          "8",
          "--random-range-ratio",
          "0.5",
          "--random-prefix-len",
          "16",
          "--seed",
          "7"
        },
        "cb851eea80ad578865a4bc77d5b9588aadac66a145adba35cc9fb441b25555af",
        "f2ef254dc1e3e4d676a44f81bc88c9e90623aab8776cb35a2c6dab065a49a4e0");
    assertFrozen(
        "sonnet",
        new String[] {
          "--model",
          "m1",
          "--dataset-name",
          "sonnet",
          "--num-prompts",
          "20",
          "--endpoint",
          "/v1/completions",
          "--class",
          "a:1:input=fixed(300):output=fixed(9)",
          "--class",
          "b:2:input=uniform(250,400):output=normal(20,5,min=1)",
          "--seed",
          "3"
        },
        "470777bb1b328a609f9d40c3f5f544973c3acba4bbd8897e530a7b8973b3bd61",
        "dcceee8777666189c1a3941991351cedb69d0064671dc30761ca3f5fc1b69009");
  }

  private void assertFrozen(String name, String[] flags, String content, String header)
      throws Exception {
    Path out = dir.resolve(name + ".jsonl");
    String[] args = new String[flags.length + 3];
    args[0] = "workload";
    args[1] = "-o";
    args[2] = out.toString();
    System.arraycopy(flags, 0, args, 3, flags.length);
    assertThat(CliTest.bench(args).code()).isZero();
    byte[] bytes = Files.readAllBytes(out);
    int nl = 0;
    while (bytes[nl] != '\n') {
      nl++;
    }
    ObjectMapper m = new ObjectMapper();
    ObjectNode h = (ObjectNode) m.readTree(new String(bytes, 0, nl, StandardCharsets.UTF_8));
    h.remove("generator");
    String contentHash = h.path("content_sha256").asText();
    String headerHash = sha256(m.writeValueAsBytes(h));
    assertThat(contentHash).as(name + " content").isEqualTo(content);
    assertThat(headerHash).as(name + " header").isEqualTo(header);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
