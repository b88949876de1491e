package io.fleetlb.lb.config;

/**
 * A configuration section that checks its own values after binding; router modules implement it
 * on the records they register for their own sections (such as {@code scrape:}).
 */
public interface Validated {
  /**
   * Throws a {@link ConfigException} for the first bad value.
   *
   * @param at positioned at this section's path; use {@link Validation#check} with child names
   */
  void validate(Validation at);
}
