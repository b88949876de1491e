package io.fleetlb.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** compose/Dockerfile: the images the compose files build, and the module jars they package. */
class DockerfileTest {
  private static final List<String> JARS = List.of("lb-roundrobin", "lb-queue-aware", "vllm-sim", "bench");

  @Test
  void everyComposeBuildNamesAnExistingDockerfileAndStage() {
    Dockerfile df = Dockerfile.load();
    int builds = 0;
    for (String name : ComposeFile.NAMES) {
      for (Service s : ComposeFile.load(name).services.values()) {
        if (s.build().isEmpty()) {
          continue;
        }
        builds++;
        Path context = Repo.compose("").resolve(String.valueOf(s.build().get("context"))).normalize();
        assertThat(context).as("%s: build context is the repository root", s.name())
            .isEqualTo(Repo.ROOT.normalize());
        assertThat(context.resolve(String.valueOf(s.build().get("dockerfile")))).isRegularFile();
        String target = String.valueOf(s.build().get("target"));
        assertThat(JARS).contains(target);
        assertThat(df.stages).containsKey(target);
        assertThat(s.image()).isEqualTo("fleetlb/" + target + ":dev");
      }
    }
    assertThat(builds).as("routers, simulator replicas and bench are built here").isGreaterThanOrEqualTo(10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"lb-roundrobin", "lb-queue-aware", "vllm-sim", "bench"})
  void eachJarStageCopiesItsModulesShadedJarAndRunsIt(String module) {
    Dockerfile.Stage stage = Dockerfile.load().stage(module);
    assertThat(stage.from()).isEqualTo("runtime");
    String jar = module + "/target/" + module + ".jar";
    assertThat(stage.all("COPY").get(0)).isEqualTo("--from=build /src/" + jar + " /app/" + module
        + ".jar");
    if (module.equals("bench")) {
      // The A/B tooling in the repository's layout, for the Helm chart's A/B test.
      assertThat(stage.all("COPY").subList(1, stage.all("COPY").size())).containsExactly(
          "--from=build /src/bench/target/bench.jar /app/bench/target/bench.jar",
          "--from=build /src/bench/ab.sh /src/bench/demo-workload.yaml /app/bench/",
          "--from=build /src/analysis/target/analysis.jar /app/analysis/target/analysis.jar",
          "--from=build /src/analysis/compare.sh /app/analysis/");
      for (String f : List.of("bench/ab.sh", "bench/demo-workload.yaml", "analysis/compare.sh")) {
        assertThat(Repo.ROOT.resolve(f)).isRegularFile();
      }
    } else {
      assertThat(stage.all("COPY")).hasSize(1);
    }
    List<String> entrypoint = stage.entrypoint();
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint.subList(entrypoint.size() - 2, entrypoint.size()))
        .containsExactly("-jar", "/app/" + module + ".jar");
    assertThat(entrypoint).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError");
  }

  @ParameterizedTest
  @ValueSource(strings = {"lb-roundrobin", "vllm-sim", "bench"})
  void copiedJarIsTheModulesShadeOutput(String module) {
    assertShadedModule(module);
  }

  @Test
  void queueAwareJarIsTheModulesShadeOutput() {
    assumeTrue(Files.isDirectory(Repo.path("lb-queue-aware")), "lb-queue-aware is not in this tree yet");
    assertShadedModule("lb-queue-aware");
  }

  @Test
  void buildUsesTheWrapperAndRuntimeIsANonRootJre() {
    Dockerfile df = Dockerfile.load();
    assertThat(df.firstLine).as("BuildKit syntax for the cache mount").startsWith("# syntax=docker/dockerfile:1");
    Dockerfile.Stage build = df.stage("build");
    assertThat(build.from()).isEqualTo("eclipse-temurin:17-jdk");
    assertThat(build.all("RUN")).anySatisfy(r -> assertThat(r).contains("./mvnw").contains("package"));
    Dockerfile.Stage runtime = df.stage("runtime");
    assertThat(runtime.from()).isEqualTo("eclipse-temurin:17-jre");
    assertThat(runtime.all("USER")).singleElement().satisfies(u -> {
      String user = u.split(":")[0];
      assertThat(user).isNotIn("0", "root");
    });
  }

  @Test
  void contextFilterKeepsOutputsSecretsAndHistoryOut() {
    // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile for its context.
    List<String> ignored = Repo.read(Repo.compose("Dockerfile.dockerignore")).lines()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    assertThat(ignored).contains("**/target", ".git", "compose/.env", "results");
    assertThat(ignored).noneMatch(l -> l.equals("mvnw") || l.startsWith(".mvn") || l.endsWith("pom.xml"));
  }

  private static void assertShadedModule(String module) {
    String pom = Repo.read(Repo.path(module + "/pom.xml"));
    assertThat(pom).contains("<artifactId>" + module + "</artifactId>")
        .contains("<main.class>").contains("<artifactId>maven-shade-plugin</artifactId>");
    String parent = Repo.read(Repo.path("pom.xml"));
    assertThat(parent).contains("<module>" + module + "</module>")
        .contains("<outputFile>${project.build.directory}/${project.artifactId}.jar</outputFile>");
  }
}
