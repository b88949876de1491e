package io.fleetlb.bench.workload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A request trace: timestamps with input and output token counts, as CSV with a header row
 * (BurstGPT: {@code Timestamp,Request tokens,Response tokens}; Azure LLM inference: {@code
 * TIMESTAMP,ContextTokens,GeneratedTokens}) or JSON lines (Mooncake: {@code
 * timestamp,input_length,output_length}). Rows with a zero length (failed requests in BurstGPT) are
 * skipped; rows are ordered by time.
 */
public final class TraceDataset {
  static final List<String> TIME_COLUMNS =
      List.of("timestamp", "time", "arrival_time", "arrival_timestamp");
  static final List<String> INPUT_COLUMNS =
      List.of(
          "input_length",
          "input_tokens",
          "contexttokens",
          "request tokens",
          "prompt_tokens",
          "input_len");
  static final List<String> OUTPUT_COLUMNS =
      List.of(
          "output_length",
          "output_tokens",
          "generatedtokens",
          "response tokens",
          "completion_tokens",
          "output_len");
  private static final DateTimeFormatter DATE_TIME =
      new DateTimeFormatterBuilder()
          .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
          .optionalStart()
          .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
          .optionalEnd()
          .toFormatter(Locale.ROOT);

  /** One row of the trace. */
  public record Row(long timestampNanos, int inputTokens, int outputTokens) {}

  /** The parsed trace with what was skipped and the time unit that was applied. */
  public record Loaded(List<Row> rows, long skipped, String timeUnit) {}

  private TraceDataset() {}

  /**
   * @param timeUnit "auto", "s", "ms", "us" or "ns": the unit of numeric timestamps
   */
  public static Loaded load(Path path, String timeUnit) throws IOException {
    List<Row> rows = new ArrayList<>();
    long skipped = 0;
    String unitUsed;
    try (BufferedReader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String first = r.readLine();
      while (first != null && first.isBlank()) {
        first = r.readLine();
      }
      if (first == null) {
        throw new IOException(path + ": the trace is empty");
      }
      boolean json = first.trim().startsWith("{");
      unitUsed = timeUnit.equals("auto") ? (json ? "ms" : "s") : timeUnit;
      double toNanos = nanosPer(unitUsed, path);
      int lineNo = 1;
      if (json) {
        ObjectMapper mapper = new ObjectMapper();
        for (String line = first; line != null; line = r.readLine(), lineNo++) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode n;
          try {
            n = mapper.readTree(line);
          } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(path + ":" + lineNo + ": not JSON: " + e.getOriginalMessage());
          }
          Row row =
              row(
                  path,
                  lineNo,
                  field(n, TIME_COLUMNS),
                  field(n, INPUT_COLUMNS),
                  field(n, OUTPUT_COLUMNS),
                  toNanos);
          if (row == null) {
            skipped++;
          } else {
            rows.add(row);
          }
        }
      } else {
        String[] header = splitCsv(first);
        int t = column(header, TIME_COLUMNS, path, "timestamp");
        int in = column(header, INPUT_COLUMNS, path, "input tokens");
        int out = column(header, OUTPUT_COLUMNS, path, "output tokens");
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          String[] cells = splitCsv(line);
          if (cells.length <= Math.max(t, Math.max(in, out))) {
            throw new IOException(
                path
                    + ":"
                    + lineNo
                    + ": expected "
                    + header.length
                    + " columns, got "
                    + cells.length);
          }
          Row row = row(path, lineNo, cells[t], cells[in], cells[out], toNanos);
          if (row == null) {
            skipped++;
          } else {
            rows.add(row);
          }
        }
      }
    }
    if (rows.isEmpty()) {
      throw new IOException(
          path + ": no usable row (all lengths were zero or the file had only a header)");
    }
    rows.sort(Comparator.comparingLong(Row::timestampNanos)); // stable: ties keep file order
    return new Loaded(List.copyOf(rows), skipped, unitUsed);
  }

  private static double nanosPer(String unit, Path path) throws IOException {
    switch (unit) {
      case "s":
        return 1e9;
      case "ms":
        return 1e6;
      case "us":
        return 1e3;
      case "ns":
        return 1;
      default:
        throw new IOException(
            "--trace-time-unit: '" + unit + "' is not one of auto, s, ms, us, ns");
    }
  }

  private static Row row(Path path, int lineNo, String ts, String in, String out, double toNanos)
      throws IOException {
    if (ts == null || in == null || out == null) {
      throw new IOException(
          path
              + ":"
              + lineNo
              + ": needs a timestamp, an input length and an output length "
              + "(fields "
              + TIME_COLUMNS
              + ", "
              + INPUT_COLUMNS
              + ", "
              + OUTPUT_COLUMNS
              + ")");
    }
    long t = timestamp(ts.trim(), toNanos, path, lineNo);
    int input = length(in, path, lineNo, "input");
    int output = length(out, path, lineNo, "output");
    return input <= 0 || output <= 0 ? null : new Row(t, input, output);
  }

  private static long timestamp(String ts, double toNanos, Path path, int lineNo)
      throws IOException {
    try {
      return Math.round(Double.parseDouble(ts) * toNanos);
    } catch (NumberFormatException notANumber) {
      try {
        LocalDateTime dt = LocalDateTime.parse(ts, DATE_TIME);
        return dt.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L + dt.getNano();
      } catch (java.time.format.DateTimeParseException e) {
        throw new IOException(
            path + ":" + lineNo + ": timestamp '" + ts + "' is neither a number nor a date-time");
      }
    }
  }

  private static int length(String v, Path path, int lineNo, String what) throws IOException {
    try {
      double d = Double.parseDouble(v.trim());
      if (d != Math.rint(d) || d > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) d;
    } catch (NumberFormatException e) {
      throw new IOException(
          path + ":" + lineNo + ": " + what + " length '" + v.trim() + "' is not a whole number");
    }
  }

  private static String field(JsonNode n, List<String> names) {
    for (var it = n.fields(); it.hasNext(); ) {
      var e = it.next();
      if (names.contains(e.getKey().toLowerCase(Locale.ROOT))) {
        return e.getValue().asText();
      }
    }
    return null;
  }

  private static int column(String[] header, List<String> names, Path path, String what)
      throws IOException {
    for (int i = 0; i < header.length; i++) {
      if (names.contains(header[i].trim().toLowerCase(Locale.ROOT))) {
        return i;
      }
    }
    throw new IOException(
        path + ": no " + what + " column in the header (accepted names: " + names + ")");
  }

  static String[] splitCsv(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        cells.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    cells.add(cur.toString());
    return cells.toArray(new String[0]);
  }
}
