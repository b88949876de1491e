package io.fleetlb.analysis.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a bench run from disk: the result JSON, the per-request records and telemetry named in
 * its {@code files} block (bench-format.md). Every problem becomes an {@link InputException}
 * naming the file, line and field.
 */
public final class RunReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunReader() {
  }

  /** Parses a JSON file, or fails naming it. */
  public static JsonNode readJson(Path file) {
    try {
      return MAPPER.readTree(file.toFile());
    } catch (JsonProcessingException e) {
      throw InputException.unreadable(file + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw InputException.unreadable(file + ": cannot read (" + describe(e) + ")");
    }
  }

  /** Whether a parsed JSON document is a bench result (it has the result format version). */
  public static boolean isResult(JsonNode doc) {
    return doc != null && doc.isObject() && doc.path("bench").path("result_format_version").isInt();
  }

  /** Reads the result at {@code resultFile} with its request records and telemetry. */
  public static Run read(Path resultFile) {
    JsonNode result = readJson(resultFile);
    if (!isResult(result)) {
      throw InputException.unreadable(resultFile + ": not a bench result (no bench.result_format_version)");
    }
    int expected = result.path("num_prompts").asInt(-1);
    if (expected < 0) {
      throw InputException.unreadable(resultFile + ": num_prompts is missing or not a number");
    }
    String requestsName = result.path("files").path("requests").asText(null);
    Path requestsFile = resultFile.resolveSibling(requestsName != null ? requestsName : sibling(resultFile, ".requests.jsonl"));
    RequestRecord[] requests = readRequests(requestsFile, expected);
    JsonNode tel = result.path("files").path("telemetry");
    List<TelemetryPoint> telemetry = tel.isTextual()
        ? readTelemetry(resultFile.resolveSibling(tel.asText())) : List.of();
    return new Run(resultFile, result, requests, telemetry);
  }

  static String sibling(Path result, String suffix) {
    String name = result.getFileName().toString();
    return (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + suffix;
  }

  private static RequestRecord[] readRequests(Path file, int expected) {
    RequestRecord[] out = new RequestRecord[expected];
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        RequestRecord r = RecordParser.request(MAPPER.readTree(line), file, lineNo);
        if (r.index() < 0 || r.index() >= expected) {
          throw InputException.unreadable(file + ":" + lineNo + ": index " + r.index()
              + " is outside the workload's 0.." + (expected - 1));
        }
        if (out[r.index()] != null) {
          throw InputException.unreadable(file + ":" + lineNo + ": index " + r.index() + " appears twice");
        }
        out[r.index()] = r;
      }
    } catch (NoSuchFileException e) {
      throw InputException.unreadable(file + ": not found (compare needs the per-request records bench writes beside each result)");
    } catch (JsonProcessingException e) {
      throw InputException.unreadable(file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw InputException.unreadable(file + ": cannot read (" + describe(e) + ")");
    }
    for (int i = 0; i < expected; i++) {
      if (out[i] == null) {
        throw InputException.unreadable(file + ": no record for request index " + i + " (the result says "
            + expected + " requests)");
      }
    }
    return out;
  }

  private static List<TelemetryPoint> readTelemetry(Path file) {
    List<TelemetryPoint> out = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          TelemetryPoint p = RecordParser.telemetry(MAPPER.readTree(line));
          if (p != null) {
            out.add(p);
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw InputException.unreadable(file + ": not found (the result's files.telemetry names it)");
    } catch (JsonProcessingException e) {
      throw InputException.unreadable(file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw InputException.unreadable(file + ": cannot read (" + describe(e) + ")");
    }
    return List.copyOf(out);
  }

  static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
