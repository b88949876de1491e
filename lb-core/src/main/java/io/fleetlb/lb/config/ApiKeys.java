package io.fleetlb.lb.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Reads and checks API key lists: the inline {@code auth.keys} and the {@code auth.keys_file},
 * with the configuration's own strictness (unknown keys, duplicates and bad values are errors
 * naming the file, entry and field).
 */
public final class ApiKeys {
  private ApiKeys() {}

  /** Fails when two entries share an id or a key hash. */
  static void checkUnique(List<ApiKeyConfig> keys, Validation at) {
    Set<String> ids = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < keys.size(); i++) {
      ApiKeyConfig k = keys.get(i);
      at.index(i).check(ids.add(k.id()), "id", k.id(), "is used by another key");
      at.index(i).check(hashes.add(k.keySha256().toLowerCase(Locale.ROOT)), "key_sha256",
          k.keySha256().substring(0, 12) + "...", "is the hash of another key");
    }
  }

  /**
   * Reads a keys file: a YAML list of key entries, or a mapping with a {@code keys:} list.
   *
   * @throws ConfigException naming the file and the first bad value
   */
  public static List<ApiKeyConfig> readFile(Path file) {
    return parse(ConfigLoader.readText(file), file.toString());
  }

  /** Parses keys file text; {@code source} names it in error messages. */
  public static List<ApiKeyConfig> parse(String text, String source) {
    JsonNode root = ConfigLoader.readYaml(text, source);
    Validation v = Validation.root(source);
    JsonNode list = root;
    String at = "";
    if (root != null && root.isObject()) {
      root.fieldNames().forEachRemaining(name -> {
        if (!name.equals("keys")) {
          throw new ConfigException(source, name, "unknown key (expected: keys)");
        }
      });
      list = root.get("keys");
      at = "keys";
    }
    if (list == null || list.isNull() || list.isMissingNode()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw v.error(at, list.toString(), "must be a list of keys ({id, key_sha256, ...})");
    }
    List<ApiKeyConfig> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Validation entry = at.isEmpty() ? v.index(i) : v.at(at).index(i);
      ApiKeyConfig k = ConfigLoader.convert(list.get(i), ApiKeyConfig.class, entry);
      k.validate(entry);
      out.add(k);
    }
    checkUnique(out, at.isEmpty() ? v : v.at(at));
    return List.copyOf(out);
  }
}
