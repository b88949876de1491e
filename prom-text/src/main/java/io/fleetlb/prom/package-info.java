/**
 * A small, strict-where-it-matters parser for the Prometheus text exposition format 0.0.4 and
 * OpenMetrics 1.0 text, written for vLLM's and NVIDIA dcgm-exporter's {@code /metrics}.
 *
 * <h2>Grammar accepted</h2>
 * <pre>
 * input     = { line ( "\n" | "\r\n" ) } [ line ]            ; final newline optional
 * line      = blanks ( empty | comment | eof | sample ) blanks
 * blanks    = { " " | "\t" }
 * comment   = "#" blank+ "HELP" blank+ metric [ blank+ helptext ]
 *           | "#" blank+ "TYPE" blank+ metric blank+ type
 *           | "#" blank+ "UNIT" blank+ metric [ blank+ text ]
 *           | "#" anything-else                              ; ignored
 * eof       = "#" blank+ "EOF"                               ; nothing but blank lines may follow
 * type      = counter | gauge | histogram | summary | untyped | unknown
 *           | info | stateset | gaugehistogram               ; ASCII case-insensitive
 * sample    = metric blanks [ "{" blanks [ label { blanks "," blanks label } [ blanks "," ] ] blanks "}" blanks ]
 *             value [ blank+ timestamp ] [ blank+ exemplar ]
 * metric    = [a-zA-Z_:] [a-zA-Z0-9_:]*
 * label     = labelname blanks "=" blanks '"' { char | "\\" | "\"" | "\n" } '"'
 * labelname = [a-zA-Z_] [a-zA-Z0-9_]*
 * value     = [+-]? ( digits [ "." [ digits ] ] | "." digits ) [ ( "e" | "E" ) [+-]? digits ]
 *           | [+-]? ( "inf" | "infinity" ) | "nan"               ; words ASCII case-insensitive
 * timestamp = [+-]? digits                                   ; 0.0.4: integer milliseconds
 *           | value                                          ; OpenMetrics: seconds, finite
 * exemplar  = "#" blanks labelset blanks value [ blank+ timestamp ]
 * </pre>
 * <p>The value syntax is exactly what the Prometheus server accepts: Go's {@code strconv.ParseFloat}
 * minus hex floats and {@code _} separators. So {@code 1.1701968896e+010}, {@code .5}, {@code 5.},
 * {@code Nan}, {@code inf} and {@code -Infinity} parse; {@code +NaN}, {@code 0x1p3}, {@code 1_000},
 * {@code 1d} and a finite literal that overflows a double ({@code 1e400}) are errors, as in Go.
 *
 * <h2>Format detection</h2>
 * Input whose last non-blank line is {@code # EOF} is OpenMetrics: its timestamps are float seconds
 * (converted to milliseconds, rounded to the nearest; Prometheus truncates). Otherwise timestamps must
 * be integer milliseconds. Nothing else depends on the format: the same lenient grammar serves both.
 *
 * <h2>Families</h2>
 * A sample belongs to the family of its exact name if one was declared (that is how 0.0.4 counters,
 * TYPE'd with their {@code _total} name, and vLLM's separately TYPE'd {@code x_created} gauges work);
 * else to family {@code x} when it is named {@code x} plus a suffix x's declared type allows
 * ({@code _bucket _sum _count _created} for histograms, {@code _total _created} for counters,
 * {@code _sum _count _created} for summaries, {@code _bucket _gsum _gcount} for gauge histograms,
 * {@code _info} for info); else to an undeclared family of its own name with type
 * {@link io.fleetlb.prom.MetricType#UNKNOWN}. A family with metadata but no samples (a truncated
 * scrape) is kept, empty.
 *
 * <h2>Errors (each a {@link io.fleetlb.prom.PrometheusParseException})</h2>
 * Unterminated label value or label set; a label value not in double quotes; a backslash in a label
 * value followed by anything but {@code \ " n} (an error rather than kept literally, because a label
 * value is data and a silently different series is worse than a failed scrape); a repeated label
 * name in one sample; a missing or malformed value or timestamp; a bad metric or label name
 * (including Prometheus 3's quoted UTF-8 names, which are only sent when negotiated); an unpaired
 * UTF-16 surrogate in a label value or HELP text (Prometheus rejects the equivalent invalid UTF-8;
 * NUL and other controls are legal there, as in Go); a second HELP or TYPE for one family; a TYPE
 * after that family's samples; an unknown type; anything after {@code # EOF}; an input or a line over
 * the {@link io.fleetlb.prom.ParseLimits}. A truncated last line is an error only when the cut leaves
 * it malformed: a scrape cut between lines parses.
 *
 * <h2>Deliberate leniencies</h2>
 * <ul>
 *   <li>Blanks and tabs may surround every token, even where OpenMetrics demands exactly one space;
 *       {@code name{}} and a trailing comma in the label set are accepted; leading blanks on a line too.</li>
 *   <li>HELP text unescapes {@code \\}, {@code \n} and {@code \"} and keeps any other backslash
 *       literally (HELP is informational: it must not fail a scrape); its trailing blanks are kept.</li>
 *   <li>{@code # EOF} is optional (0.0.4 has none, and a cut OpenMetrics scrape should still parse).</li>
 *   <li>Exemplars are validated and dropped, in either format.</li>
 *   <li>Not checked: family contiguity, sample order, duplicate series, bucket monotonicity,
 *       {@code le}/{@code quantile} presence, counter non-negativity, OpenMetrics suffix rules for
 *       undeclared families. A router must not lose a whole scrape to one of these.</li>
 * </ul>
 *
 * <h2>Limits and failure</h2>
 * The input is bounded by {@link io.fleetlb.prom.ParseLimits} (default 16 MiB, 1 MiB per line) before
 * any work is done. Parsing is one pass, no recursion, no regular expressions, linear in the input
 * apart from sorting each sample's labels. The facade also turns any unexpected runtime exception (a
 * parser bug) into a {@code PrometheusParseException} with that cause, so a caller's scrape loop
 * never sees anything else; the fuzz test fails on such a cause.
 */
package io.fleetlb.prom;
