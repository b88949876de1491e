package io.fleetlb.compose;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** compose/Dockerfile read into stages: base image, instructions and exec-form entrypoints. */
final class Dockerfile {
  /** One build stage. */
  record Stage(String name, String from, List<String> instructions) {
    /** Instructions with this keyword, the keyword removed. */
    List<String> all(String keyword) {
      return instructions.stream().filter(i -> i.startsWith(keyword + " "))
          .map(i -> i.substring(keyword.length() + 1).strip()).toList();
    }

    /** The exec-form ENTRYPOINT of this stage. */
    List<String> entrypoint() {
      List<String> e = all("ENTRYPOINT");
      if (e.size() != 1) {
        throw new AssertionError("stage " + name + " has " + e.size() + " ENTRYPOINTs");
      }
      try {
        return new ObjectMapper().readValue(e.get(0), new TypeReference<List<String>>() {});
      } catch (java.io.IOException ex) {
        throw new AssertionError("stage " + name + ": ENTRYPOINT is not exec form: " + e.get(0));
      }
    }
  }

  final Map<String, Stage> stages = new LinkedHashMap<>();
  final String firstLine;

  private Dockerfile(String text) {
    this.firstLine = text.lines().findFirst().orElse("");
    String current = null;
    for (String instruction : instructions(text)) {
      if (instruction.startsWith("FROM ")) {
        String[] parts = instruction.split("\\s+");
        if (parts.length != 4 || !parts[2].equalsIgnoreCase("AS")) {
          throw new AssertionError("every stage must be named: " + instruction);
        }
        current = parts[3];
        stages.put(current, new Stage(current, parts[1], new ArrayList<>()));
      } else if (current != null) {
        stages.get(current).instructions().add(instruction);
      }
    }
  }

  static Dockerfile load() {
    return new Dockerfile(Repo.read(Repo.compose("Dockerfile")));
  }

  Stage stage(String name) {
    Stage s = stages.get(name);
    if (s == null) {
      throw new AssertionError("compose/Dockerfile has no stage " + name + " (has " + stages.keySet() + ")");
    }
    return s;
  }

  /** Instructions with comments dropped and backslash continuations joined. */
  private static List<String> instructions(String text) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (String line : text.split("\n")) {
      String t = line.strip();
      if (t.startsWith("#") || (t.isEmpty() && cur.length() == 0)) {
        continue;
      }
      boolean more = t.endsWith("\\");
      cur.append(more ? t.substring(0, t.length() - 1) : t).append(more ? " " : "");
      if (!more) {
        out.add(cur.toString().replaceAll("\\s+", " ").strip());
        cur.setLength(0);
      }
    }
    return out;
  }
}
