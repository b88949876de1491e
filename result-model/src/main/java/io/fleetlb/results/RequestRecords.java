package io.fleetlb.results;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and writes {@code RESULT.requests.jsonl}: one {@link RequestRecord} per line, in workload
 * order. Reading checks what a comparison relies on and names the file, line and field of the first
 * problem.
 */
public final class RequestRecords {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ObjectReader READER = MAPPER.readerFor(RequestRecord.class);
  private static final ObjectWriter WRITER = MAPPER.writerFor(RequestRecord.class);

  private RequestRecords() {}

  /** A problem in a records file, naming the file, line and field. */
  public static final class FormatException extends IOException {
    public FormatException(String message) {
      super(message);
    }
  }

  /** Writes the records, one per line, atomically. */
  public static void write(Path file, List<RequestRecord> records) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      for (RequestRecord r : records) {
        out.write(WRITER.writeValueAsString(r));
        out.write('\n');
      }
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Reads exactly {@code expected} records indexed 0..expected-1, in any order, each exactly once.
   *
   * @return the records by index
   */
  public static RequestRecord[] read(Path file, int expected) throws IOException {
    RequestRecord[] out = new RequestRecord[expected];
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        RequestRecord r = parse(line, file, lineNo);
        if (r.index() < 0 || r.index() >= expected) {
          throw new FormatException(
              file
                  + ":"
                  + lineNo
                  + ": index "
                  + r.index()
                  + " is outside the workload's 0.."
                  + (expected - 1));
        }
        if (out[r.index()] != null) {
          throw new FormatException(
              file + ":" + lineNo + ": index " + r.index() + " appears twice");
        }
        out[r.index()] = r;
      }
    }
    for (int i = 0; i < expected; i++) {
      if (out[i] == null) {
        throw new FormatException(
            file
                + ": no record for request index "
                + i
                + " (the result says "
                + expected
                + " requests)");
      }
    }
    return out;
  }

  private static RequestRecord parse(String line, Path file, int lineNo) throws FormatException {
    JsonNode n;
    try {
      n = MAPPER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new FormatException(
          file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (!n.isObject()) {
      throw new FormatException(file + ":" + lineNo + ": a request record must be a JSON object");
    }
    if (!n.path("index").isIntegralNumber() || !n.path("index").canConvertToInt()) {
      throw new FormatException(
          file + ":" + lineNo + ": field 'index' is missing or not an integer");
    }
    if (!n.path("success").isBoolean()) {
      throw new FormatException(
          file + ":" + lineNo + ": field 'success' is missing or not true/false");
    }
    RequestRecord r;
    try {
      r = READER.readValue(n);
    } catch (MismatchedInputException e) {
      String field =
          e.getPath().stream()
              .map(p -> p.getFieldName() == null ? "[" + p.getIndex() + "]" : p.getFieldName())
              .collect(Collectors.joining("."));
      throw new FormatException(
          file
              + ":"
              + lineNo
              + ": field '"
              + field
              + "' has the wrong type ("
              + e.getOriginalMessage().lines().findFirst().orElse("")
              + ")");
    } catch (IOException e) {
      throw new FormatException(file + ":" + lineNo + ": " + e.getMessage());
    }
    if (r.success() && (r.ttftMs() == null || r.e2elMs() == null)) {
      throw new FormatException(
          file + ":" + lineNo + ": a successful request needs numeric ttft_ms and e2el_ms");
    }
    return r;
  }
}
