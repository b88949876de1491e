package io.fleetlb.bench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;

/**
 * A workload spec file (YAML or JSON): a map whose keys are the {@code workload} flags without
 * dashes. {@code models}/{@code model} and {@code classes}/{@code class} take lists of strings in
 * flag syntax or of objects ({@code {name, weight, classes}} and {@code {name, weight, input,
 * output, model, system_prompt_tokens, system_prompts}}). It is turned into flags placed before the
 * command line's own, so the command line overrides single values and replaces the model or class
 * list.
 */
final class SpecFile {
  /** The keys of a class given as an object. */
  static final List<String> CLASS_KEYS =
      List.of(
          "name", "weight", "input", "output", "model", "system_prompt_tokens", "system_prompts");

  private SpecFile() {}

  static int rerunWith(Path file, List<String> originalArgs) throws Exception {
    List<String> cli = new ArrayList<>();
    // the original line starts with the root's options and the subcommand's name
    int first = originalArgs.indexOf("workload") + 1;
    for (int i = first; i < originalArgs.size(); i++) {
      String a = originalArgs.get(i);
      if (a.equals("--verbose")) {
        continue;
      }
      if (a.equals("--spec")) {
        i++;
      } else if (!a.startsWith("--spec=")) {
        cli.add(a);
      }
    }
    boolean cliModels = cli.stream().anyMatch(a -> a.equals("--model") || a.startsWith("--model="));
    boolean cliClasses =
        cli.stream().anyMatch(a -> a.equals("--class") || a.startsWith("--class="));
    List<String> args = new ArrayList<>();
    for (String a : toArgs(file)) {
      boolean isModel = a.startsWith("--model=");
      boolean isClass = a.startsWith("--class=");
      if ((isModel && cliModels) || (isClass && cliClasses)) {
        continue;
      }
      args.add(a);
    }
    args.addAll(cli);
    WorkloadCommand cmd = new WorkloadCommand();
    CommandLine cl = new CommandLine(cmd).setOverwrittenOptionsAllowed(true);
    cl.parseArgs(args.toArray(new String[0]));
    cmd.spec = cl.getCommandSpec();
    return cmd.call();
  }

  static List<String> toArgs(Path file) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("--spec " + file + ": no such file");
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IllegalArgumentException(
          "--spec " + file + ": not valid YAML/JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("--spec " + file + ": expected a map of settings");
    }
    Set<String> known = new java.util.HashSet<>();
    new CommandLine(new WorkloadCommand())
        .getCommandSpec()
        .options()
        .forEach(o -> known.add(o.longestName().replaceFirst("^--", "")));
    List<String> args = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      JsonNode v = e.getValue();
      if (key.equals("models") || key.equals("model")) {
        for (JsonNode m : list(v)) {
          if (m.isObject()) {
            String name = text(file, m, "name");
            args.add("--model=" + name + "=" + m.path("weight").asDouble(1.0));
            for (JsonNode c : list(m.path("classes"))) {
              args.add("--class=" + classText(file, c) + ":model=" + name);
            }
          } else {
            args.add("--model=" + m.asText());
          }
        }
      } else if (key.equals("classes") || key.equals("class")) {
        for (JsonNode c : list(v)) {
          args.add("--class=" + classText(file, c));
        }
      } else if (key.equals("out") || key.equals("spec") || !known.contains(key)) {
        throw new IllegalArgumentException("--spec " + file + ": unknown key '" + key + "'");
      } else if (v.isArray()) {
        for (JsonNode x : v) {
          args.add("--" + key + "=" + x.asText());
        }
      } else if (v.isBoolean() && key.equals("ignore-eos")) {
        args.add(v.asBoolean() ? "--ignore-eos" : "--no-ignore-eos");
      } else if (!v.isNull()) {
        args.add("--" + key + "=" + (v.isTextual() ? v.asText() : v.toString()));
      }
    }
    return args;
  }

  private static String classText(Path file, JsonNode c) {
    if (!c.isObject()) {
      return c.asText();
    }
    for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!CLASS_KEYS.contains(k)) {
        throw new IllegalArgumentException(
            "--spec "
                + file
                + ": class '"
                + c.path("name").asText()
                + "': unknown key '"
                + k
                + "' (known: "
                + String.join(", ", CLASS_KEYS)
                + ")");
      }
    }
    String s =
        text(file, c, "name")
            + ":"
            + c.path("weight").asDouble(1.0)
            + ":input="
            + text(file, c, "input")
            + ":output="
            + text(file, c, "output");
    if (c.hasNonNull("system_prompt_tokens")) {
      s += ":system_prompt_tokens=" + c.path("system_prompt_tokens").asText();
    }
    if (c.hasNonNull("system_prompts")) {
      s += ":system_prompts=" + c.path("system_prompts").asText();
    }
    return c.hasNonNull("model") ? s + ":model=" + c.path("model").asText() : s;
  }

  private static String text(Path file, JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isMissingNode() || v.isNull()) {
      throw new IllegalArgumentException(
          "--spec " + file + ": an entry lacks '" + field + "': " + n);
    }
    return v.asText();
  }

  private static Iterable<JsonNode> list(JsonNode v) {
    if (v == null || v.isMissingNode() || v.isNull()) {
      return List.of();
    }
    return v.isArray() ? v : List.of(v);
  }
}
