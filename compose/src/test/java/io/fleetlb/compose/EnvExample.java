package io.fleetlb.compose;

import java.util.LinkedHashMap;
import java.util.Map;

/** The variables of {@code compose/.env.example}, read as Compose reads an env file. */
final class EnvExample {
  private EnvExample() {}

  /** Variable name -> value, in file order. */
  static Map<String, String> values() {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : Repo.read(Repo.compose(".env.example")).split("\n")) {
      String t = line.strip();
      if (t.isEmpty() || t.startsWith("#")) {
        continue;
      }
      int eq = t.indexOf('=');
      if (eq <= 0) {
        throw new IllegalStateException("compose/.env.example: not KEY=VALUE: " + line);
      }
      if (out.put(t.substring(0, eq), t.substring(eq + 1)) != null) {
        throw new IllegalStateException("compose/.env.example: " + t.substring(0, eq) + " twice");
      }
    }
    return out;
  }
}
