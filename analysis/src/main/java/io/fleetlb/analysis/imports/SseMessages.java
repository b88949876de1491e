package io.fleetlb.analysis.imports;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON messages in a piece of a server-sent event stream as a tool saved it: each {@code data:}
 * line's JSON ({@code [DONE]}, comments and unparsable data skipped), or the whole text when it is
 * a plain JSON body (a non-streamed response).
 */
final class SseMessages {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private SseMessages() {}

  static List<JsonNode> parse(String text) {
    List<JsonNode> out = new ArrayList<>();
    String t = text.strip();
    if (t.startsWith("{")) {
      add(out, t);
      return out;
    }
    for (String line : t.split("\\r?\\n")) {
      String l = line.strip();
      if (l.startsWith("data:")) {
        String data = l.substring(5).strip();
        if (!data.equals("[DONE]")) {
          add(out, data);
        }
      }
    }
    return out;
  }

  private static void add(List<JsonNode> out, String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n != null && n.isObject()) {
        out.add(n);
      }
    } catch (java.io.IOException e) {
      // not JSON: neither a token event nor usage, as vLLM's client treats it
    }
  }
}
