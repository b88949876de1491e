package io.fleetlb.lb.config;

/**
 * A configuration problem, reported as one line that names the file, the field path and the
 * bad value, e.g. {@code router.yaml: timeouts.connect: must be greater than 0 (got 0s)}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;

  /**
   * Creates the exception.
   *
   * @param source the file (or other source) the configuration came from
   * @param field the field path, such as {@code replicas[2].url}; empty for the whole file
   * @param problem what is wrong, including the offending value where there is one
   */
  public ConfigException(String source, String field, String problem) {
    super(source + ": " + (field == null || field.isEmpty() ? "" : field + ": ") + problem);
    this.source = source;
    this.field = field == null ? "" : field;
  }

  /** The file or other source of the configuration. */
  public String source() {
    return source;
  }

  /** The field path of the bad value, empty when the problem is with the whole document. */
  public String field() {
    return field;
  }
}
