package io.fleetlb.bench.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The frozen workload format (docs/bench-format.md): JSON lines, a header first, then one line per
 * request ending with its exact body as an embedded JSON object. The header's {@code
 * content_sha256} is the SHA-256 of the request lines' bytes (each with its '\n'); a file whose
 * lines do not hash to it is refused. The body bytes sent on replay are the very bytes of the line,
 * cut out by position, never re-serialised.
 */
public final class WorkloadFile {
  public static final String FORMAT = "fleetlb-workload";
  public static final int FORMAT_VERSION = 1;

  /**
   * The version of files with multi-turn sessions (request lines with {@code session_id}, {@code
   * turn_index}, {@code think_time_ns}): a reader that knows only version 1 would send every turn
   * at its session's start, so it must refuse them.
   */
  public static final int SESSIONS_FORMAT_VERSION = 2;

  static final ObjectMapper MAPPER = new ObjectMapper();

  private WorkloadFile() {}

  /** The bytes of one request line, including the trailing newline. */
  public static byte[] requestLine(WorkloadRequest r) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("index", r.index());
    o.put("offset_ns", r.offsetNanos());
    o.put("model", r.model());
    o.put("endpoint", r.endpoint());
    o.put("class", r.className());
    o.put("input_tokens", r.inputTokens());
    o.put("output_tokens", r.outputTokens());
    if (r.turn() != null) {
      o.put("session_id", r.turn().sessionId());
      o.put("turn_index", r.turn().turnIndex());
      o.put("think_time_ns", r.turn().thinkTimeNanos());
    }
    byte[] head;
    try {
      head = MAPPER.writeValueAsBytes(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    byte[] mid = ",\"body\":".getBytes(StandardCharsets.US_ASCII);
    byte[] line = new byte[head.length - 1 + mid.length + r.body().length + 2];
    System.arraycopy(head, 0, line, 0, head.length - 1);
    System.arraycopy(mid, 0, line, head.length - 1, mid.length);
    System.arraycopy(r.body(), 0, line, head.length - 1 + mid.length, r.body().length);
    line[line.length - 2] = '}';
    line[line.length - 1] = '\n';
    return line;
  }

  /** SHA-256 (hex) over the request lines, as stored in the header. */
  public static String contentHash(List<WorkloadRequest> requests) {
    MessageDigest md = sha256();
    for (WorkloadRequest r : requests) {
      md.update(requestLine(r));
    }
    return HexFormat.of().formatHex(md.digest());
  }

  /** Writes header and request lines; the header must already carry the content hash. */
  public static void write(Workload w, Path path) throws IOException {
    Path tmp = path.resolveSibling(path.getFileName() + ".tmp");
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
      write(w, out);
    }
    Files.move(
        tmp,
        path,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  public static void write(Workload w, OutputStream out) throws IOException {
    out.write(MAPPER.writeValueAsBytes(w.header()));
    out.write('\n');
    for (WorkloadRequest r : w.requests()) {
      out.write(requestLine(r));
    }
  }

  /** Reads and verifies a workload file. */
  public static Workload read(Path path) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(path), 1 << 16)) {
      return read(in, path.toString());
    } catch (NoSuchFileException e) {
      throw new WorkloadFormatException(path + ": no such workload file");
    } catch (java.nio.file.AccessDeniedException e) {
      throw new WorkloadFormatException(
          path + ": cannot read the workload file (permission denied)");
    }
  }

  public static Workload read(InputStream in, String name) throws IOException {
    ByteLines lines = new ByteLines(in);
    byte[] headerLine = lines.next();
    if (headerLine == null || headerLine.length == 0) {
      throw new WorkloadFormatException(name + ": empty file, not a workload");
    }
    ObjectNode header = parseHeader(headerLine, name);
    MessageDigest md = sha256();
    List<WorkloadRequest> requests = new ArrayList<>();
    long lastOffset = 0;
    int lineNo = 1;
    java.util.Map<Integer, Integer> nextTurn = new java.util.HashMap<>();
    boolean sessionsAllowed = header.path("format_version").asInt() >= SESSIONS_FORMAT_VERSION;
    for (byte[] line = lines.next(); line != null; line = lines.next()) {
      lineNo++;
      md.update(line);
      int len = line.length > 0 && line[line.length - 1] == '\n' ? line.length - 1 : line.length;
      if (len == 0) {
        throw new WorkloadFormatException(name + ":" + lineNo + ": empty line");
      }
      WorkloadRequest r = parseRequest(line, len, name + ":" + lineNo, requests.size());
      if (r.offsetNanos() < lastOffset) {
        throw new WorkloadFormatException(
            name
                + ":"
                + lineNo
                + ": field 'offset_ns' goes backwards ("
                + r.offsetNanos()
                + " < "
                + lastOffset
                + ")");
      }
      lastOffset = r.offsetNanos();
      if (r.turn() != null) {
        checkTurn(r.turn(), nextTurn, sessionsAllowed, name + ":" + lineNo);
      }
      requests.add(r);
    }
    String declared = header.path("content_sha256").asText("");
    String actual = HexFormat.of().formatHex(md.digest());
    if (!declared.equals(actual)) {
      throw new WorkloadFormatException(
          name
              + ": content hash mismatch (header says "
              + declared
              + ", the request lines hash to "
              + actual
              + "): the file was changed after it was generated; "
              + "regenerate it with 'bench.jar workload'");
    }
    long declaredCount = header.path("num_requests").asLong(-1);
    if (declaredCount != requests.size()) {
      throw new WorkloadFormatException(
          name
              + ": header says num_requests="
              + declaredCount
              + " but the file has "
              + requests.size()
              + " request lines");
    }
    return new Workload(header, requests);
  }

  /** Turns must come in order: turn 0 first, then t only after t - 1 of the same session. */
  private static void checkTurn(
      WorkloadRequest.Turn turn,
      java.util.Map<Integer, Integer> nextTurn,
      boolean allowed,
      String where)
      throws WorkloadFormatException {
    if (!allowed) {
      throw new WorkloadFormatException(
          where
              + ": a session turn (session_id) needs header format_version "
              + SESSIONS_FORMAT_VERSION);
    }
    int expected = nextTurn.getOrDefault(turn.sessionId(), 0);
    if (turn.turnIndex() != expected) {
      throw bad(
          where,
          "turn_index",
          String.valueOf(turn.turnIndex()),
          expected
              + " (session "
              + turn.sessionId()
              + "'s turns must follow each other in order, starting at 0)");
    }
    nextTurn.put(turn.sessionId(), expected + 1);
  }

  private static ObjectNode parseHeader(byte[] line, String name) throws WorkloadFormatException {
    JsonNode h;
    try {
      h = MAPPER.readTree(line);
    } catch (IOException e) {
      throw new WorkloadFormatException(
          name + ":1: not a workload file (the first line is not JSON)");
    }
    if (!(h instanceof ObjectNode) || !FORMAT.equals(h.path("format").asText())) {
      throw new WorkloadFormatException(
          name + ":1: not a workload file (header field 'format' must be '" + FORMAT + "')");
    }
    int v = h.path("format_version").asInt(-1);
    if (v != FORMAT_VERSION && v != SESSIONS_FORMAT_VERSION) {
      throw new WorkloadFormatException(
          name
              + ":1: unsupported format_version "
              + h.path("format_version")
              + " (this bench reads "
              + FORMAT_VERSION
              + " and "
              + SESSIONS_FORMAT_VERSION
              + ")");
    }
    if (!h.path("content_sha256").isTextual()) {
      throw new WorkloadFormatException(name + ":1: header field 'content_sha256' is missing");
    }
    return (ObjectNode) h;
  }

  private static WorkloadRequest parseRequest(byte[] line, int len, String where, int expectedIndex)
      throws WorkloadFormatException {
    Integer index = null;
    Long offset = null;
    String model = null;
    String endpoint = null;
    String cls = null;
    int in = -1;
    int out = -1;
    Integer session = null;
    Integer turn = null;
    Long think = null;
    byte[] body = null;
    try (JsonParser p = MAPPER.getFactory().createParser(line, 0, len)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new WorkloadFormatException(where + ": a request line must be a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        switch (field) {
          case "index":
            index = intField(p, t, where, field);
            break;
          case "offset_ns":
            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
              throw bad(where, field, p.getText(), "a non-negative integer");
            }
            offset = p.getLongValue();
            break;
          case "model":
            model = textField(p, t, where, field);
            break;
          case "endpoint":
            endpoint = textField(p, t, where, field);
            break;
          case "class":
            cls = t == JsonToken.VALUE_NULL ? null : textField(p, t, where, field);
            break;
          case "input_tokens":
            in = intField(p, t, where, field);
            break;
          case "output_tokens":
            out = intField(p, t, where, field);
            break;
          case "session_id":
            session = intField(p, t, where, field);
            break;
          case "turn_index":
            turn = intField(p, t, where, field);
            break;
          case "think_time_ns":
            if (t != JsonToken.VALUE_NUMBER_INT || p.getLongValue() < 0) {
              throw bad(where, field, p.getText(), "a non-negative integer");
            }
            think = p.getLongValue();
            break;
          case "body":
            if (t != JsonToken.START_OBJECT) {
              throw bad(where, field, p.getText(), "a JSON object");
            }
            int start = (int) p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            int end = (int) p.currentLocation().getByteOffset();
            body = Arrays.copyOfRange(line, start, end);
            break;
          default:
            p.skipChildren();
        }
      }
      if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
        throw new WorkloadFormatException(where + ": trailing data after the request object");
      }
    } catch (WorkloadFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new WorkloadFormatException(
          where + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
    if (index == null || offset == null || model == null || endpoint == null || body == null) {
      throw new WorkloadFormatException(
          where + ": a request line needs index, offset_ns, model, endpoint and body");
    }
    if (index != expectedIndex) {
      throw bad(
          where,
          "index",
          String.valueOf(index),
          String.valueOf(expectedIndex) + " (lines must be in order)");
    }
    if (!endpoint.startsWith("/")) {
      throw bad(where, "endpoint", endpoint, "a path starting with '/'");
    }
    WorkloadRequest.Turn t = null;
    if (session != null || turn != null || think != null) {
      if (session == null || turn == null || think == null) {
        throw new WorkloadFormatException(
            where + ": a session turn needs session_id, turn_index and think_time_ns");
      }
      t = new WorkloadRequest.Turn(session, turn, think);
    }
    return new WorkloadRequest(index, offset, model, endpoint, cls, in, out, body, t);
  }

  private static int intField(JsonParser p, JsonToken t, String where, String field)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT
        || p.getLongValue() < 0
        || p.getLongValue() > Integer.MAX_VALUE) {
      throw bad(where, field, p.getText(), "a non-negative integer");
    }
    return p.getIntValue();
  }

  private static String textField(JsonParser p, JsonToken t, String where, String field)
      throws IOException {
    if (t != JsonToken.VALUE_STRING || p.getText().isEmpty()) {
      throw bad(where, field, p.getText(), "a non-empty string");
    }
    return p.getText();
  }

  private static WorkloadFormatException bad(
      String where, String field, String value, String expected) {
    return new WorkloadFormatException(
        where + ": field '" + field + "' must be " + expected + ", got " + value);
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
