package io.fleetlb.lb.config;

/**
 * Request limits ({@code limits:}), all enforced before any replica is contacted.
 *
 * @param maxBodySize request body limit, default 16MiB (413 above it; a declared
 *     Content-Length over it is refused without reading the body)
 * @param maxHeaderSize total request header bytes, default 16KiB (431 above it)
 * @param maxHeaders number of request header fields, default 100 (431 above it)
 * @param maxInitialLine request line length, default 8KiB (414 above it)
 */
public record LimitsConfig(DataSize maxBodySize, DataSize maxHeaderSize, Integer maxHeaders,
    DataSize maxInitialLine) implements Validated {
  /** The defaults. */
  public static final LimitsConfig DEFAULT = new LimitsConfig(null, null, null, null);

  /** Fills in defaults for absent values. */
  public LimitsConfig {
    maxBodySize = maxBodySize == null ? DataSize.mib(16) : maxBodySize;
    maxHeaderSize = maxHeaderSize == null ? DataSize.kib(16) : maxHeaderSize;
    maxHeaders = maxHeaders == null ? 100 : maxHeaders;
    maxInitialLine = maxInitialLine == null ? DataSize.kib(8) : maxInitialLine;
  }

  @Override
  public void validate(Validation at) {
    at.check(maxBodySize.bytes() >= 1024 && maxBodySize.bytes() <= (1L << 30), "max_body_size",
        maxBodySize, "must be between 1KiB and 1GiB");
    at.check(maxHeaderSize.bytes() >= 1024 && maxHeaderSize.bytes() <= (1L << 20),
        "max_header_size", maxHeaderSize, "must be between 1KiB and 1MiB");
    at.range(maxHeaders, 8, 10_000, "max_headers");
    at.check(maxInitialLine.bytes() >= 256 && maxInitialLine.bytes() <= (1L << 20),
        "max_initial_line", maxInitialLine, "must be between 256B and 1MiB");
  }
}
