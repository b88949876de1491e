package io.fleetlb.bench.workload;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A ShareGPT-format file (a JSON array, or JSON lines, of {@code
 * {"conversations":[{"from","value"},...]}}; OpenAI-style {@code messages} with {@code role}/{@code
 * content} also work): the first turn is the prompt and the second turn's length the requested
 * output, filtered as vLLM does (prompt and output at least 4 tokens, prompt at most 1024, total at
 * most 2048) and sampled with the seed. The file is streamed, so large dumps do not have to fit in
 * memory.
 */
public final class ShareGptDataset {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What was loaded: the samples plus counts for the workload header. */
  public record Loaded(
      List<PromptSample> samples, long conversations, long valid, boolean oversampled) {}

  private ShareGptDataset() {}

  /**
   * @param fixedOutputLen {@code --sharegpt-output-len}, or null to use the second turn's length
   */
  public static Loaded load(Path path, int n, Integer fixedOutputLen, Rng rng) throws IOException {
    List<PromptSample> reservoir = new ArrayList<>(Math.min(n, 1 << 16));
    long conversations = 0;
    long valid = 0;
    try (InputStream in = Files.newInputStream(path);
        JsonParser p = MAPPER.getFactory().createParser(in)) {
      JsonToken first = p.nextToken();
      boolean array = first == JsonToken.START_ARRAY;
      if (!array && first != JsonToken.START_OBJECT) {
        throw new IOException(
            path + ": not a ShareGPT file (expected a JSON array or JSON lines of conversations)");
      }
      for (JsonToken t = array ? p.nextToken() : first;
          t == JsonToken.START_OBJECT;
          t = p.nextToken()) {
        JsonNode conv = MAPPER.readTree(p);
        conversations++;
        PromptSample s = toSample(conv, fixedOutputLen);
        if (s == null) {
          continue;
        }
        // reservoir sampling: a uniform sample of n without holding the whole file
        if (valid < n) {
          reservoir.add(s);
        } else {
          long j = Math.floorMod(rng.nextLong(), valid + 1);
          if (j < n) {
            reservoir.set((int) j, s);
          }
        }
        valid++;
      }
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new IOException(path + ": not a ShareGPT JSON file: " + e.getOriginalMessage());
    }
    if (reservoir.isEmpty()) {
      throw new IOException(
          path
              + ": no usable conversation ("
              + conversations
              + " read; each needs a prompt and a reply of 4+ tokens, prompt <= 1024, total <="
              + " 2048)");
    }
    for (int i = reservoir.size() - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      PromptSample t = reservoir.get(i);
      reservoir.set(i, reservoir.get(j));
      reservoir.set(j, t);
    }
    boolean oversampled = reservoir.size() < n;
    int have = reservoir.size();
    while (reservoir.size() < n) {
      reservoir.add(reservoir.get(rng.nextInt(have)));
    }
    return new Loaded(List.copyOf(reservoir), conversations, valid, oversampled);
  }

  static PromptSample toSample(JsonNode conv, Integer fixedOutputLen) {
    JsonNode turns = conv.has("conversations") ? conv.get("conversations") : conv.get("messages");
    if (turns == null || !turns.isArray() || turns.size() < 2) {
      return null;
    }
    String prompt = text(turns.get(0));
    String reply = text(turns.get(1));
    if (prompt == null || reply == null) {
      return null;
    }
    int promptLen = SimTokens.count(prompt);
    int outputLen = fixedOutputLen != null ? fixedOutputLen : SimTokens.count(reply);
    boolean checkOutput = fixedOutputLen == null;
    if (promptLen < 4
        || (checkOutput && outputLen < 4)
        || promptLen > 1024
        || promptLen + outputLen > 2048) {
      return null;
    }
    return new PromptSample(prompt, promptLen, Math.max(1, outputLen), null);
  }

  private static String text(JsonNode turn) {
    JsonNode v = turn.has("value") ? turn.get("value") : turn.get("content");
    return v != null && v.isTextual() ? v.asText() : null;
  }
}
