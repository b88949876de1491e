package io.fleetlb.lb.auth;

import io.fleetlb.lb.config.ApiKeyConfig;
import io.fleetlb.lb.config.ApiKeys;
import io.fleetlb.lb.config.AuthConfig;
import io.fleetlb.lb.config.ConfigException;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the client's key on every request and keeps the key list current: the inline
 * {@code auth.keys} plus {@code auth.keys_file}, which is re-read every 2 seconds and applied when
 * its content changed and is valid (an invalid file is logged once and the keys in force are
 * kept). Keys are taken from {@code Authorization: Bearer KEY}, or {@code api-key: KEY} as Azure
 * OpenAI clients send it.
 */
public final class Authenticator {
  private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);
  private static final long FILE_CHECK_MS = 2000;
  private static final int MAX_KEY_LENGTH = 1024;

  private final AuthConfig config;
  private final LongSupplier nanoClock;
  private volatile KeyRing ring;
  private byte[] fileDigest;
  private final AtomicLong applied = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private long timer = -1;
  private Vertx vertx;

  /** Why a request carries no usable key. */
  public enum Problem {
    /** No {@code Authorization: Bearer} or {@code api-key} header. */
    MISSING("missing"),
    /** A key that matches no configured hash. */
    INVALID("invalid");

    private final String label;

    Problem(String label) {
      this.label = label;
    }

    /** The snake_case name used in metric labels. */
    public String label() {
      return label;
    }
  }

  /** The outcome of a check: a key, or the problem. */
  public record Result(ApiKey key, Problem problem) {}

  private Authenticator(AuthConfig config, LongSupplier nanoClock) {
    this.config = config;
    this.nanoClock = nanoClock;
  }

  /**
   * Builds the key list (reading {@code keys_file} now).
   *
   * @throws ConfigException when the keys file is unreadable or invalid
   */
  public static Authenticator create(AuthConfig config, LongSupplier nanoClock) {
    Authenticator a = new Authenticator(config, nanoClock);
    a.ring = a.build(a.readFileKeys(), null);
    return a;
  }

  /** Whether clients must present a key. */
  public boolean enabled() {
    return config.enabled();
  }

  /** The keys in force. */
  public KeyRing keys() {
    return ring;
  }

  /** Starts re-reading the keys file (if any) on the given Vert.x's timer. */
  public void start(Vertx vertx) {
    if (config.keysFile() != null) {
      this.vertx = vertx;
      timer = vertx.setPeriodic(FILE_CHECK_MS, id -> vertx.executeBlocking(() -> {
        reloadIfChanged();
        return null;
      }, false));
    }
  }

  /** Stops re-reading the keys file. */
  public void stop() {
    if (timer != -1) {
      vertx.cancelTimer(timer);
    }
  }

  /** Changed keys files applied since start. */
  public long reloadsApplied() {
    return applied.get();
  }

  /** Changed keys files refused (unreadable or invalid) since start. */
  public long reloadsRefused() {
    return refused.get();
  }

  /** Checks the request's key. */
  public Result authenticate(MultiMap headers) {
    String token = token(headers);
    if (token == null) {
      return new Result(null, Problem.MISSING);
    }
    ApiKey key = token.length() > MAX_KEY_LENGTH ? null : ring.find(token);
    return key == null ? new Result(null, Problem.INVALID) : new Result(key, null);
  }

  /** The bearer token or {@code api-key} value, null when there is none. */
  static String token(MultiMap headers) {
    String auth = headers.get("authorization");
    if (auth != null) {
      int space = auth.indexOf(' ');
      if (space > 0 && auth.regionMatches(true, 0, "Bearer", 0, 6) && space == 6) {
        String t = auth.substring(space + 1).trim();
        return t.isEmpty() ? null : t;
      }
    }
    String apiKey = headers.get("api-key");
    if (apiKey != null && !apiKey.isBlank()) {
      return apiKey.trim();
    }
    return null;
  }

  /**
   * Re-reads the keys file and applies it if its content changed; returns whether the keys in
   * force changed. A file that cannot be read or is invalid leaves the keys in force.
   */
  public synchronized boolean reloadIfChanged() {
    if (config.keysFile() == null) {
      return false;
    }
    byte[] content;
    try {
      content = Files.readAllBytes(Path.of(config.keysFile()));
    } catch (IOException e) {
      byte[] marker = new byte[] {1};
      if (!Arrays.equals(marker, fileDigest)) {
        refused.incrementAndGet();
        LOG.error("auth.keys_file {} cannot be read ({}); keeping the {} keys in force",
            config.keysFile(), e.getMessage(), ring.keys().size());
        fileDigest = marker;
      }
      return false;
    }
    byte[] digest = sha256(content);
    if (Arrays.equals(digest, fileDigest)) {
      return false;
    }
    fileDigest = digest;
    try {
      List<ApiKeyConfig> fromFile = ApiKeys.parse(new String(content,
          StandardCharsets.UTF_8), config.keysFile());
      KeyRing next = build(fromFile, ring);
      ring = next;
      applied.incrementAndGet();
      LOG.info("auth.keys_file {} reloaded: {} keys in force", config.keysFile(),
          next.keys().size());
      return true;
    } catch (ConfigException e) {
      refused.incrementAndGet();
      LOG.error("auth.keys_file not applied, keeping the {} keys in force: {}",
          ring.keys().size(), e.getMessage());
      return false;
    }
  }

  private List<ApiKeyConfig> readFileKeys() {
    if (config.keysFile() == null) {
      return List.of();
    }
    Path file = Path.of(config.keysFile());
    try {
      fileDigest = sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException(config.keysFile(), "", "cannot read file: " + e.getMessage());
    }
    return ApiKeys.readFile(file);
  }

  private KeyRing build(List<ApiKeyConfig> fromFile, KeyRing previous) {
    List<ApiKeyConfig> all = new ArrayList<>(config.keys());
    all.addAll(fromFile);
    Set<String> ids = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    for (ApiKeyConfig k : all) {
      if (!ids.add(k.id()) || !hashes.add(k.keySha256().toLowerCase(Locale.ROOT))) {
        throw new ConfigException(config.keysFile(), "", "key `" + k.id()
            + "` repeats the id or key hash of another key (inline or in the file)");
      }
    }
    long now = nanoClock.getAsLong();
    List<ApiKey> keys = new ArrayList<>();
    for (ApiKeyConfig c : all) {
      keys.add(ApiKey.of(c, previous == null ? null : previous.byId(c.id()), now));
    }
    return new KeyRing(keys);
  }

  private static byte[] sha256(byte[] content) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(content);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
