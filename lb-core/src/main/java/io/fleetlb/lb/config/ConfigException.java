package io.fleetlb.lb.config;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration problem, reported as one line that names the file, the field path and the
 * bad value, e.g. {@code router.yaml: timeouts.connect: must be greater than 0 (got 0s)}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final String field;
  private final List<ConfigException> problems;

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
    this.problems = List.of(this);
  }

  private ConfigException(List<ConfigException> problems) {
    super(problems.stream().map(Throwable::getMessage)
        .collect(Collectors.joining("\n")));
    this.source = problems.get(0).source;
    this.field = problems.get(0).field;
    this.problems = List.copyOf(problems);
  }

  /**
   * One exception for several problems of the same file: its message is one line per problem,
   * {@link #field} is the first one's.
   */
  static ConfigException all(List<ConfigException> problems) {
    if (problems.size() == 1) {
      return problems.get(0);
    }
    List<ConfigException> flat = new ArrayList<>();
    problems.forEach(p -> flat.addAll(p.problems()));
    return new ConfigException(flat);
  }

  /** Every problem this exception reports (itself alone when it reports one). */
  public List<ConfigException> problems() {
    return problems;
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
