package io.fleetlb.lb.cli;

import io.fleetlb.lb.RunningRouter;
import io.fleetlb.lb.config.ConfigException;
import io.fleetlb.lb.config.RouterConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Reloads a running router's configuration on SIGHUP and when its file changes (checked every 2
 * seconds, by content, so an edit in place, a rename over it and a Kubernetes ConfigMap update
 * are all seen). A file that does not load is reported in one line and changes nothing.
 */
final class ConfigWatcher {
  private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);
  private static final long CHECK_MS = 2000;

  private final Path file;
  private final Supplier<RouterConfig> loader;
  private final RunningRouter router;
  private byte[] digest;

  ConfigWatcher(Path file, Supplier<RouterConfig> loader, RunningRouter router) {
    this.file = file;
    this.loader = loader;
    this.router = router;
    this.digest = digest();
  }

  /** Installs the SIGHUP handler and the file check. */
  void start() {
    try {
      SignalHandler before = Signal.handle(new Signal("HUP"),
          sig -> router.controlVertx().runOnContext(v -> reload("SIGHUP")));
      if (before == SignalHandler.SIG_IGN) {
        // The JVM leaves a signal ignored at its start ignored (nohup, some supervisors).
        LOG.warn("SIGHUP is ignored in this process (started under nohup?): it will not reload"
            + " the configuration; the file is still watched for changes");
      }
    } catch (IllegalArgumentException e) {
      LOG.warn("SIGHUP cannot be handled on this platform; the configuration file is still"
          + " watched for changes");
    }
    router.controlVertx().setPeriodic(CHECK_MS, id -> {
      byte[] now = digest();
      if (now != null && !Arrays.equals(now, digest)) {
        reload("the file changed");
      }
    });
  }

  /** Loads and applies the file; logs what changed, or why nothing did. */
  synchronized void reload(String why) {
    digest = digest();
    RouterConfig next;
    try {
      next = loader.get();
    } catch (ConfigException e) {
      LOG.error("configuration not reloaded ({}): {}", why, e.getMessage().replace("\n", "; "));
      return;
    }
    List<String> changes = router.reload(next);
    if (changes.isEmpty()) {
      LOG.info("configuration reloaded ({}): nothing changed", why);
    } else {
      LOG.info("configuration reloaded ({}): {}", why, String.join("; ", changes));
    }
  }

  private byte[] digest() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
