package io.fleetlb.analysis.input;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fleetlb.analysis.imports.AiPerf;
import io.fleetlb.analysis.imports.GenAiPerf;
import io.fleetlb.analysis.imports.VllmBenchServe;
import io.fleetlb.results.RequestRecord;
import io.fleetlb.results.RequestRecords;
import io.fleetlb.results.ResultJson;
import io.fleetlb.results.RunResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one run from disk, whichever tool wrote it: a fleetlb bench result (with the per-request
 * records and telemetry named in its {@code files} block), a {@code vllm bench serve --save-result
 * --save-detailed} JSON, a GenAI-Perf {@code profile_export.json} or an AIPerf export ({@code
 * profile_export_aiperf.json} with its {@code profile_export.jsonl}). Every problem becomes an
 * {@link InputException} naming the file, line and field.
 */
public final class RunReader {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private RunReader() {}

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

  /** Which tool wrote a parsed document, or null when it is no run we can read. */
  public static Source detect(Path file, JsonNode doc) {
    if (ResultJson.isResult(doc)) {
      return Source.FLEETLB_BENCH;
    }
    if (VllmBenchServe.looksLike(doc)) {
      return Source.VLLM_BENCH_SERVE;
    }
    if (GenAiPerf.looksLike(doc)) {
      return Source.GENAI_PERF;
    }
    if (AiPerf.looksLike(file, doc)) {
      return Source.AIPERF;
    }
    return null;
  }

  /**
   * Reads the run at {@code file}. A GenAI-Perf export with several experiments needs one chosen:
   * {@code profile_export.json#2} reads the third.
   */
  public static Run read(Path file) {
    Path plain = GenAiPerf.withoutSelector(file);
    if (plain.getFileName().toString().endsWith(".jsonl") && AiPerf.isRecordsFile(plain)) {
      return AiPerf.read(plain);
    }
    JsonNode doc = readJson(plain);
    Source source = detect(plain, doc);
    if (source == null) {
      throw InputException.unreadable(
          plain
              + ": not a run of fleetlb bench, vllm bench serve (--save-result --save-detailed),"
              + " GenAI-Perf (profile_export.json) or AIPerf (profile_export_aiperf.json)");
    }
    return switch (source) {
      case FLEETLB_BENCH -> readBench(plain, doc);
      case VLLM_BENCH_SERVE -> VllmBenchServe.read(plain, doc);
      case GENAI_PERF -> GenAiPerf.read(file, doc);
      case AIPERF -> AiPerf.read(plain);
    };
  }

  private static Run readBench(Path resultFile, JsonNode doc) {
    RunResult result;
    try {
      result = ResultJson.fromTree(doc);
    } catch (JsonProcessingException e) {
      throw InputException.unreadable(resultFile + ": " + e.getOriginalMessage());
    }
    int expected = result.header().numPrompts();
    if (expected <= 0) {
      throw InputException.unreadable(
          resultFile + ": num_prompts is missing or not a positive number");
    }
    String requestsName =
        result.files() != null && result.files().requests() != null
            ? result.files().requests()
            : sibling(resultFile, ".requests.jsonl");
    Path requestsFile = resultFile.resolveSibling(requestsName);
    RequestRecord[] requests;
    try {
      requests = RequestRecords.read(requestsFile, expected);
    } catch (NoSuchFileException e) {
      throw InputException.unreadable(
          requestsFile
              + ": not found (compare needs the per-request records bench "
              + "writes beside each result)");
    } catch (IOException e) {
      throw InputException.unreadable(
          e instanceof RequestRecords.FormatException
              ? e.getMessage()
              : requestsFile + ": cannot read (" + describe(e) + ")");
    }
    String tel = result.files() == null ? null : result.files().telemetry();
    List<TelemetryPoint> telemetry =
        tel == null ? List.of() : readTelemetry(resultFile.resolveSibling(tel));
    return new Run(resultFile, Source.FLEETLB_BENCH, result, requests, telemetry);
  }

  static String sibling(Path result, String suffix) {
    String name = result.getFileName().toString();
    return (name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + suffix;
  }

  private static List<TelemetryPoint> readTelemetry(Path file) {
    List<TelemetryPoint> out = new ArrayList<>();
    int lineNo = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          TelemetryPoint p = TelemetryPoint.of(MAPPER.readTree(line));
          if (p != null) {
            out.add(p);
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw InputException.unreadable(file + ": not found (the result's files.telemetry names it)");
    } catch (JsonProcessingException e) {
      throw InputException.unreadable(
          file + ":" + lineNo + ": not valid JSON (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw InputException.unreadable(file + ": cannot read (" + describe(e) + ")");
    }
    return List.copyOf(out);
  }

  /** An I/O failure in a few words. */
  public static String describe(IOException e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
