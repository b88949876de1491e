package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

/**
 * Validates the compose files with a real Compose implementation: Debian's docker-compose 1.29.2
 * checks the Compose schema and interpolation without a Docker daemon, on a copy of each file
 * exactly as shipped (nothing in them needs Compose v2, so a user with Debian's package can run
 * them). Skipped where docker-compose is missing unless {@code REQUIRE_DOCKER_COMPOSE=1}.
 */
class ComposeSchemaTest {

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void dockerComposeValidatesTheFile(String name, @TempDir Path dir) throws Exception {
    Tools.Result r = config(name, Repo.read(Repo.compose(name + ".yml")), dir, "-q");
    assertThat(r.exitCode()).as(r.output()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"baseline", "managed", "sim"})
  void dockerComposeResolvesTheFileAsTheseTestsDo(String name, @TempDir Path dir) throws Exception {
    // The other tests read the files through their own YAML + interpolation model; the real
    // tool's resolved output (merge keys, ${VAR:-default}, .env) must be the same.
    Tools.Result r = config(name, Repo.read(Repo.compose(name + ".yml")), dir);
    assertThat(r.exitCode()).as(r.output()).isZero();
    Map<String, Object> resolved = Repo.map(new Yaml().load(r.output()));
    ComposeFile file = ComposeFile.load(name);
    Map<String, Object> services = Repo.map(resolved.get("services"));
    assertThat(services.keySet()).isEqualTo(file.services.keySet());
    for (Service s : file.services.values()) {
      Map<String, Object> real = Repo.map(services.get(s.name()));
      assertThat(real.get("image")).as("%s image", s.name()).isEqualTo(s.image());
      assertThat(Repo.list(real.get("command"))).as("%s command", s.name()).isEqualTo(s.command());
      assertThat(Repo.list(real.get("entrypoint"))).as("%s entrypoint", s.name())
          .isEqualTo(s.entrypoint());
      assertThat(Repo.map(real.get("environment"))).as("%s environment", s.name())
          .isEqualTo(s.environment());
      assertThat(Repo.list(real.get("profiles"))).as("%s profiles", s.name()).isEqualTo(s.profiles());
    }
  }

  @Test
  void dockerComposeRejectsAMisspelledKey(@TempDir Path dir) throws Exception {
    // The validation above can fail: a typo in a service key is a schema error.
    String broken = Repo.read(Repo.compose("sim.yml")).replaceFirst("    ports:", "    portz:");
    Tools.Result r = config("sim", broken, dir, "-q");
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("portz");
  }

  @Test
  void missingTokenIsAClearError(@TempDir Path dir) throws Exception {
    Path compose = Tools.required("docker-compose", "REQUIRE_DOCKER_COMPOSE");
    Path empty = Files.writeString(dir.resolve("empty.env"), "");
    Path file = Files.writeString(dir.resolve("baseline.yml"), shipped(Repo.read(Repo.compose("baseline.yml"))));
    Tools.Result r = Tools.run(Duration.ofSeconds(120), Repo.compose(""), List.of(compose.toString(),
        "--env-file", empty.toString(), "--project-directory", Repo.compose("").toString(),
        "-f", file.toString(), "config", "-q"));
    assertThat(r.exitCode()).isNotZero();
    assertThat(r.output()).contains("set HF_TOKEN in compose/.env");
  }

  private static Tools.Result config(String name, String text, Path dir, String... args)
      throws Exception {
    return config(name, text, dir, List.of(), args);
  }

  /** {@code docker-compose [globalArgs] config [args]} on a copy of the file. */
  private static Tools.Result config(String name, String text, Path dir, List<String> globalArgs,
      String... args) throws Exception {
    Path compose = Tools.required("docker-compose", "REQUIRE_DOCKER_COMPOSE");
    Path file = Files.writeString(dir.resolve(name + ".yml"), shipped(text));
    List<String> cmd = new ArrayList<>(List.of(compose.toString(),
        "--env-file", Repo.compose(".env.example").toString(),
        "--project-directory", Repo.compose("").toString(), "-f", file.toString()));
    cmd.addAll(globalArgs);
    cmd.add("config");
    cmd.addAll(List.of(args));
    return Tools.run(Duration.ofSeconds(120), Repo.compose(""), cmd);
  }

  /** The file's text, checked to have no top-level {@code name:} (Compose v2 only: 1.29 rejects it). */
  private static String shipped(String text) {
    assertThat(text).as("no top-level name: (docker-compose 1.29 rejects it)").doesNotContainPattern("(?m)^name:");
    return text;
  }
}
