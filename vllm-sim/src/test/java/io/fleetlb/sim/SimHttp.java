package io.fleetlb.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Blocking HTTP helpers for simulator tests (run on the test thread, never on an event loop). */
final class SimHttp {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private SimHttp() {}

  static HttpResponse<String> get(int port, String path) {
    return send(HttpRequest.newBuilder(uri(port, path)).GET());
  }

  static HttpResponse<String> post(int port, String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(port, path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  static JsonNode json(HttpResponse<String> r) {
    return json(r.body());
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The {@code data:} payloads of an SSE response, in order ({@code [DONE]} included). */
  static List<String> events(HttpResponse<String> r) {
    List<String> out = new ArrayList<>();
    for (String block : r.body().split("\n\n")) {
      if (block.startsWith("data: ")) {
        out.add(block.substring(6));
      } else if (!block.isEmpty()) {
        throw new AssertionError("not an SSE data event: " + block);
      }
    }
    return out;
  }

  /** The value of the first sample of {@code name} in a Prometheus exposition, or NaN if absent. */
  static double sample(String exposition, String name) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$")
            .matcher(exposition);
    return m.find() ? Double.parseDouble(m.group(2)) : Double.NaN;
  }

  private static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  private static HttpResponse<String> send(HttpRequest.Builder b) {
    try {
      return CLIENT.send(
          b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Opens a raw connection and sends a chat request without reading the response (to test
   * disconnects).
   */
  static java.net.Socket open(int port, String body) throws IOException {
    java.net.Socket s = new java.net.Socket("127.0.0.1", port);
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.OutputStream out = s.getOutputStream();
    out.write(
        ("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\n"
                + "content-length: "
                + bytes.length
                + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    out.write(bytes);
    out.flush();
    return s;
  }

  /** A chat request body with one user message of {@code words} short words. */
  static String chat(String model, int words, String extra) {
    return "{\"model\":\""
        + model
        + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + "word ".repeat(words).trim()
        + "\"}]"
        + (extra.isEmpty() ? "" : "," + extra)
        + "}";
  }
}
