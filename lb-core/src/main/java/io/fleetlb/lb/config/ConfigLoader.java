package io.fleetlb.lb.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the router YAML file into a validated {@link RouterConfig}. Keys are snake_case, unknown
 * keys and duplicate keys are errors, scalars are not coerced ({@code port: "80"} is refused),
 * durations are strings such as {@code 250ms}, sizes such as {@code 16MiB}; every error is one
 * line naming the file, the field path and the bad value.
 *
 * <p>Router modules add their own top-level sections with {@link #withSection}. The names
 * {@code scrape} and {@code policy} are reserved: a router that does not register them still
 * accepts them (both routers read the same file) and ignores their content.
 */
public final class ConfigLoader {
  /** Sections any router accepts, validated only by the router that registers them. */
  public static final Set<String> RESERVED_SECTIONS = Set.of("scrape", "policy");

  private static final List<String> CORE_SECTIONS = List.of("listen", "admin", "replicas",
      "timeouts", "retry", "ejection", "health_check", "limits", "upstream", "drain",
      "access_log", "auth", "admission", "tls", "discovery");
  private static final Pattern ENV = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final ObjectMapper MAPPER = newMapper();

  private final Map<String, Class<?>> sections;
  private final Function<String, String> environment;

  private ConfigLoader(Map<String, Class<?>> sections, Function<String, String> environment) {
    this.sections = sections;
    this.environment = environment;
  }

  /** A loader that knows the core sections only. */
  public static ConfigLoader create() {
    return new ConfigLoader(Map.of(), System::getenv);
  }

  /**
   * A loader that reads {@code ${NAME}} references (in {@code auth.upstream_authorization}) from
   * this map instead of the process environment (tests).
   */
  public ConfigLoader withEnvironment(Map<String, String> env) {
    return new ConfigLoader(sections, env::get);
  }

  /**
   * A loader that also binds the top-level section {@code name} to {@code type} (a record with
   * snake_case components; implement {@link Validated} to check values). An absent section is
   * bound from an empty mapping, so the record's own defaults apply.
   */
  public ConfigLoader withSection(String name, Class<?> type) {
    if (CORE_SECTIONS.contains(name)) {
      throw new IllegalArgumentException("section " + name + " is a core section");
    }
    Map<String, Class<?>> copy = new LinkedHashMap<>(sections);
    copy.put(name, type);
    return new ConfigLoader(Map.copyOf(copy), environment);
  }

  /** Reads and validates a file. */
  public RouterConfig load(Path file) {
    String text = readText(file);
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), dir == null ? Path.of("") : dir);
  }

  /** A configuration file's text; a missing or unreadable file is a one-line error naming it. */
  static String readText(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), "", "file not found");
    } catch (IOException e) {
      throw new ConfigException(file.toString(), "", "cannot read file: " + e.getMessage());
    }
  }

  /** Reads YAML text into a tree with this loader's strictness (duplicate keys are errors). */
  static JsonNode readYaml(String yaml, String source) {
    try {
      return MAPPER.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ConfigException(source, where, "invalid YAML: " + e.getOriginalMessage());
    }
  }

  /**
   * Parses and validates YAML text; {@code source} names it in error messages, and relative file
   * paths in it are resolved against the working directory.
   */
  public RouterConfig parse(String yaml, String source) {
    return parse(yaml, source, Path.of(""));
  }

  private RouterConfig parse(String yaml, String source, Path dir) {
    JsonNode root = readYaml(yaml, source);
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new ConfigException(source, "", "the file is empty (at least replicas: is required)");
    }
    if (!root.isObject()) {
      throw new ConfigException(source, "", "the top level must be a mapping of sections");
    }
    Problems problems = new Problems();
    problems.attempt(() -> checkTopLevelKeys(root, source, problems));
    Validation v = Validation.root(source);
    ListenConfig listen = problems.attempt(() -> bind(root, "listen", ListenConfig.class, v));
    AdminConfig admin = problems.attempt(() -> bind(root, "admin", AdminConfig.class, v));
    List<ReplicaConfig> replicas = replicas(root, v, problems);
    TimeoutsConfig timeouts = problems.attempt(
        () -> bind(root, "timeouts", TimeoutsConfig.class, v));
    RetryConfig retry = problems.attempt(() -> bind(root, "retry", RetryConfig.class, v));
    EjectionConfig ejection = problems.attempt(
        () -> bind(root, "ejection", EjectionConfig.class, v));
    HealthCheckConfig health = problems.attempt(
        () -> bind(root, "health_check", HealthCheckConfig.class, v));
    LimitsConfig limits = problems.attempt(() -> bind(root, "limits", LimitsConfig.class, v));
    UpstreamConfig upstream = problems.attempt(
        () -> resolve(bind(root, "upstream", UpstreamConfig.class, v), dir, v));
    DrainConfig drain = problems.attempt(() -> bind(root, "drain", DrainConfig.class, v));
    AccessLogConfig accessLog = problems.attempt(
        () -> bind(root, "access_log", AccessLogConfig.class, v));
    AuthConfig auth = problems.attempt(() -> auth(root, dir, v));
    AdmissionConfig admission = problems.attempt(
        () -> bind(root, "admission", AdmissionConfig.class, v));
    TlsConfig tls = problems.attempt(() -> tls(root, dir, v));
    DiscoveryConfig discovery = problems.attempt(
        () -> bind(root, "discovery", DiscoveryConfig.class, v));
    Map<String, Object> extensions = extensionSections(root, v, problems);
    problems.throwIfAny();
    RouterConfig config = new RouterConfig(source, listen, admin, replicas, timeouts, retry,
        ejection, health, limits, upstream, drain, accessLog, auth, admission, tls, discovery,
        extensions);
    if (config.replicas().isEmpty() && !config.discovery().enabled()) {
      throw new ConfigException(source, "discovery", "names no source (kubernetes: or dns:),"
          + " and there is no replicas: list");
    }
    crossChecks(config, v);
    return config;
  }

  private AuthConfig auth(JsonNode root, Path dir, Validation v) {
    if (!root.has("auth") || root.get("auth").isNull()) {
      return AuthConfig.NONE;
    }
    AuthConfig a = bind(root, "auth", AuthConfig.class, v);
    String keysFile = a.keysFile() == null ? null : dir.resolve(a.keysFile()).toString();
    String upstream = a.upstreamAuthorization() == null ? null
        : substitute(a.upstreamAuthorization(), v.at("auth"));
    AuthConfig resolved = new AuthConfig(a.keys(), keysFile, upstream);
    if (keysFile != null) {
      // Checked now so a bad file fails --check-config and the start, not the first request.
      List<ApiKeyConfig> all = new ArrayList<>(a.keys());
      all.addAll(ApiKeys.readFile(Path.of(keysFile)));
      ApiKeys.checkUnique(all, v.at("auth").at("keys + keys_file"));
    }
    return resolved;
  }

  /** Replaces each {@code ${NAME}} with the environment variable's value. */
  private String substitute(String value, Validation at) {
    Matcher m = ENV.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String v = environment.apply(m.group(1));
      if (v == null || v.isEmpty()) {
        throw new ConfigException(at.source(), at.at("upstream_authorization").path(),
            "the environment variable " + m.group(1) + " is not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(v));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static TlsConfig tls(JsonNode root, Path dir, Validation v) {
    if (!root.has("tls") || root.get("tls").isNull()) {
      return null;
    }
    TlsConfig t = bind(root, "tls", TlsConfig.class, v);
    return new TlsConfig(dir.resolve(t.cert()).toString(), dir.resolve(t.key()).toString(),
        t.h2());
  }

  private static UpstreamConfig resolve(UpstreamConfig u, Path dir, Validation v) {
    if (u.caFile() == null) {
      return u;
    }
    Path ca = dir.resolve(u.caFile());
    try (java.io.InputStream in = Files.newInputStream(ca)) {
      if (java.security.cert.CertificateFactory.getInstance("X.509").generateCertificates(in)
          .isEmpty()) {
        throw v.at("upstream").error("ca_file", ca.toString(), "holds no PEM certificate");
      }
    } catch (IOException e) {
      throw v.at("upstream").error("ca_file", ca.toString(), "cannot be read");
    } catch (java.security.cert.CertificateException e) {
      throw v.at("upstream").error("ca_file", ca.toString(), "is not a PEM certificate file");
    }
    return new UpstreamConfig(u.maxConnectionsPerReplica(), u.maxWaitQueue(),
        u.keepAliveTimeout(), u.responseHeaders(), ca.toString(), u.verifyHostname(),
        u.warmConnections());
  }

  private void checkTopLevelKeys(JsonNode root, String source, Problems problems) {
    Set<String> known = new TreeSet<>(CORE_SECTIONS);
    known.addAll(RESERVED_SECTIONS);
    known.addAll(sections.keySet());
    root.fieldNames().forEachRemaining(name -> {
      if (!known.contains(name)) {
        problems.add(new ConfigException(source, name,
            "unknown section (expected one of: " + String.join(", ", known) + ")"));
      }
    });
    if (!root.has("replicas") && !root.has("discovery")) {
      throw new ConfigException(source, "replicas", "is required (a list of {id, url, model}),"
          + " unless discovery: finds them");
    }
  }

  private static List<ReplicaConfig> replicas(JsonNode root, Validation v, Problems problems) {
    JsonNode list = root.get("replicas");
    if (list == null || (list.isArray() && list.isEmpty() && root.has("discovery"))) {
      return List.of();
    }
    if (!list.isArray() || list.isEmpty()) {
      problems.add(v.error("replicas", describe(list),
          "must be a non-empty list of {id, url, model}"));
      return List.of();
    }
    List<ReplicaConfig> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      Validation at = v.at("replicas").index(i);
      JsonNode item = list.get(i);
      ReplicaConfig r = problems.attempt(() -> {
        ReplicaConfig c = convert(item, ReplicaConfig.class, at);
        c.validate(at);
        return c;
      });
      if (r != null) {
        out.add(r);
      }
    }
    return out;
  }

  private Map<String, Object> extensionSections(JsonNode root, Validation v, Problems problems) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, Class<?>> e : sections.entrySet()) {
      Object value = problems.attempt(() -> bind(root, e.getKey(), e.getValue(), v));
      if (value != null) {
        out.put(e.getKey(), value);
      }
    }
    for (String name : RESERVED_SECTIONS) {
      if (!sections.containsKey(name) && root.has(name)) {
        if (!root.get(name).isObject()) {
          problems.add(v.error(name, describe(root.get(name)), "must be a mapping"));
        } else {
          out.put(name, root.get(name));
        }
      }
    }
    return out;
  }

  /**
   * The problems found so far: each section (and each replica) is checked even when an earlier
   * one failed, so one run of {@code --check-config} names every bad section, not only the first.
   * Inside one section the first bad value is reported.
   */
  private static final class Problems {
    private final List<ConfigException> found = new ArrayList<>();

    void add(ConfigException e) {
      found.add(e);
    }

    <T> T attempt(java.util.function.Supplier<T> part) {
      try {
        return part.get();
      } catch (ConfigException e) {
        found.add(e);
        return null;
      }
    }

    void attempt(Runnable part) {
      attempt(() -> {
        part.run();
        return null;
      });
    }

    void throwIfAny() {
      if (found.size() == 1) {
        throw found.get(0);
      }
      if (!found.isEmpty()) {
        throw ConfigException.all(found);
      }
    }
  }

  private static <T> T bind(JsonNode root, String name, Class<T> type, Validation v) {
    JsonNode node = root.has(name) ? root.get(name) : JsonNodeFactory.instance.objectNode();
    if (node.isNull()) {
      node = JsonNodeFactory.instance.objectNode();
    }
    Validation at = v.at(name);
    if (!node.isObject()) {
      throw v.error(name, describe(node), "must be a mapping");
    }
    T value = convert(node, type, at);
    if (value instanceof Validated) {
      ((Validated) value).validate(at);
    }
    return value;
  }

  static <T> T convert(JsonNode node, Class<T> type, Validation at) {
    if (!node.isObject()) {
      throw at.error("", describe(node), "must be a mapping");
    }
    try {
      return MAPPER.treeToValue(node, type);
    } catch (JsonProcessingException e) {
      throw translate(e, node, at);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(at.source(), at.path(), e.getMessage());
    }
  }

  private static ConfigException translate(JsonProcessingException e, JsonNode node,
      Validation at) {
    if (!(e instanceof JsonMappingException)) {
      return new ConfigException(at.source(), at.path(), e.getOriginalMessage());
    }
    JsonMappingException jme = (JsonMappingException) e;
    StringBuilder field = new StringBuilder();
    JsonNode bad = node;
    for (JsonMappingException.Reference ref : jme.getPath()) {
      if (ref.getFieldName() != null) {
        field.append(field.length() == 0 ? "" : ".").append(ref.getFieldName());
        bad = bad == null ? null : bad.get(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        field.append('[').append(ref.getIndex()).append(']');
        bad = bad == null ? null : bad.get(ref.getIndex());
      }
    }
    String f = field.toString();
    if (e instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
      Set<String> known = new TreeSet<>();
      u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      return new ConfigException(at.source(), at.at(f).path(),
          "unknown key (expected one of: " + String.join(", ", known) + ")");
    }
    if (e instanceof InvalidFormatException && e.getCause() == null
        && ((InvalidFormatException) e).getTargetType() != null
        && FRIENDLY.contains(((InvalidFormatException) e).getTargetType())) {
      return new ConfigException(at.source(), at.at(f).path(), e.getOriginalMessage());
    }
    String expected = expectation(jme);
    return at.error(f, describe(bad), expected);
  }

  private static final Set<Class<?>> FRIENDLY = new HashSet<>(List.of(Duration.class,
      DataSize.class));

  private static String expectation(JsonMappingException e) {
    Class<?> target = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException
        ? ((com.fasterxml.jackson.databind.exc.MismatchedInputException) e).getTargetType()
        : null;
    if (target == Integer.class || target == int.class || target == Long.class) {
      return "expected a whole number";
    }
    if (target == Boolean.class || target == boolean.class) {
      return "expected true or false";
    }
    if (target == Double.class || target == double.class) {
      return "expected a number";
    }
    if (target == String.class) {
      return "expected text";
    }
    if (target != null && List.class.isAssignableFrom(target)) {
      return "expected a list";
    }
    return "invalid value: " + e.getOriginalMessage();
  }

  /** The value as the user wrote it: text quoted, numbers, lists and mappings as they are. */
  private static Object describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return Verbatim.of("nothing");
    }
    if (node.isTextual()) {
      return node.asText();
    }
    return Verbatim.of(node.toString());
  }

  /** A value shown without quotes in error messages. */
  private record Verbatim(String text) {
    static Verbatim of(String text) {
      return new Verbatim(text);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  private static void crossChecks(RouterConfig c, Validation v) {
    Set<String> ids = new HashSet<>();
    Set<String> urls = new HashSet<>();
    for (int i = 0; i < c.replicas().size(); i++) {
      ReplicaConfig r = c.replicas().get(i);
      Validation at = v.at("replicas").index(i);
      at.check(ids.add(r.id()), "id", r.id(), "is used by another replica");
      // One server may serve several model names (vLLM's --served-model-name a b, or another
      // router in front of a fleet): a URL repeats only with another model.
      String url = r.url().replaceAll("/+$", "").toLowerCase(java.util.Locale.ROOT);
      at.check(urls.add(url + " " + r.model()), "url", r.url(),
          "is used by another replica of the same model");
    }
    boolean samePort = c.listen().port() != 0 && c.listen().port().equals(c.admin().port())
        && (c.listen().host().equals(c.admin().host()) || c.listen().host().equals("0.0.0.0")
            || c.admin().host().equals("0.0.0.0"));
    v.at("admin").check(!samePort, "port", c.admin().port(),
        "must differ from listen.port");
  }

  private static ObjectMapper newMapper() {
    SimpleModule units = new SimpleModule("fleetlb-units");
    units.addDeserializer(Duration.class, scalar(Duration.class, Durations::parse));
    units.addDeserializer(DataSize.class, scalar(DataSize.class, DataSize::parse));
    return YAMLMapper.builder()
        .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
        .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .addModule(units)
        .build();
  }

  private static <T> JsonDeserializer<T> scalar(Class<T> type, Function<String, T> parse) {
    return new JsonDeserializer<>() {
      @Override
      public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        String text = p.currentToken().isScalarValue() ? p.getText() : p.readValueAsTree()
            .toString();
        try {
          return parse.apply(text);
        } catch (IllegalArgumentException | ArithmeticException e) {
          throw InvalidFormatException.from(p, e.getMessage(), text, type);
        }
      }
    };
  }
}
