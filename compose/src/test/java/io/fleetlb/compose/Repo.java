package io.fleetlb.compose;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Paths of the repository the tests check, and strict YAML loading for its files. */
final class Repo {
  /** The repository root: the parent of this module (Surefire runs in the module directory). */
  static final Path ROOT = locate();

  private Repo() {}

  /** A path under the repository root. */
  static Path path(String relative) {
    return ROOT.resolve(relative);
  }

  /** A path under {@code compose/}. */
  static Path compose(String relative) {
    return ROOT.resolve("compose").resolve(relative);
  }

  /** The text of a file. */
  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads YAML the way Compose and Prometheus do (YAML 1.1 with merge keys resolved), refusing
   * duplicate keys, which both tools reject too.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> yaml(Path file) {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object doc = new Yaml(new SafeConstructor(options)).load(read(file));
    if (!(doc instanceof Map)) {
      throw new IllegalStateException(file + ": the top level is not a mapping");
    }
    return (Map<String, Object>) doc;
  }

  /** A mapping inside a YAML tree, or an empty one when absent. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object node) {
    return node == null ? Map.of() : (Map<String, Object>) node;
  }

  /** A list inside a YAML tree, or an empty one when absent. */
  @SuppressWarnings("unchecked")
  static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }

  private static Path locate() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("mvnw")) && Files.isDirectory(p.resolve("compose"))) {
        return p;
      }
    }
    throw new IllegalStateException("no repository root (mvnw + compose/) above " + dir);
  }
}
