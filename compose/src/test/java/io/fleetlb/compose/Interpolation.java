package io.fleetlb.compose;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compose's variable substitution ({@code ${VAR}}, {@code ${VAR:-default}}, {@code ${VAR-default}},
 * {@code ${VAR:?error}}, {@code $$}) over a fixed environment, recording which variables a file
 * uses and which it requires (no default).
 */
final class Interpolation {
  private static final Pattern REF =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|-|:\\?|\\?)([^}]*))?}");

  private final Map<String, String> env;
  private final Set<String> used = new TreeSet<>();
  private final Set<String> required = new TreeSet<>();

  Interpolation(Map<String, String> env) {
    this.env = env;
  }

  /** The text with every reference replaced; a missing required variable is an error. */
  String apply(String text) {
    Matcher m = REF.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(resolve(m, text)));
    }
    m.appendTail(out);
    return out.toString();
  }

  private String resolve(Matcher m, String text) {
    if (m.group().equals("$$")) {
      return "$";
    }
    String name = m.group(1);
    String op = m.group(2);
    String arg = m.group(3);
    used.add(name);
    String value = env.get(name);
    boolean emptyCounts = op != null && op.startsWith(":");
    boolean unset = value == null || (emptyCounts && value.isEmpty());
    if (op == null || op.endsWith("?")) {
      required.add(name);
      if (unset) {
        throw new IllegalArgumentException("variable " + name + " is required in: " + text
            + (arg == null ? "" : " (" + arg + ")"));
      }
      return value;
    }
    return unset ? arg : value;
  }

  /** Every variable referenced so far. */
  Set<String> used() {
    return used;
  }

  /** The variables referenced without a default. */
  Set<String> required() {
    return required;
  }
}
