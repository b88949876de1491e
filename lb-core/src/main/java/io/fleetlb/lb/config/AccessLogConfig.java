package io.fleetlb.lb.config;

/**
 * The access log ({@code access_log:}): one logfmt line per request (never prompt content),
 * written off the event loop.
 *
 * @param enabled default true
 * @param path {@code "-"} (default) for standard output, or a file to append to
 */
public record AccessLogConfig(Boolean enabled, String path) implements Validated {
  /** The defaults. */
  public static final AccessLogConfig DEFAULT = new AccessLogConfig(null, null);

  /** Fills in defaults for absent values. */
  public AccessLogConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    path = path == null ? "-" : path;
  }

  @Override
  public void validate(Validation at) {
    at.check(!path.isBlank(), "path", path, "must be \"-\" (standard output) or a file path");
  }
}
