package io.fleetlb.analysis.input;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the runs of one arm: the file itself, or every run below a directory (repetitions), in
 * natural order of their paths so {@code rep2} comes before {@code rep10}. A run is a bench result
 * or another tool's file {@link RunReader} reads (vllm bench serve, GenAI-Perf, AIPerf); other JSON
 * files (a comparison, a calibration) are skipped.
 */
public final class RunDiscovery {
  private static final Pattern NUMBER = Pattern.compile("\\d+|\\D+");

  private RunDiscovery() {}

  /** The result files of an arm given as a file or directory; fails when there are none. */
  public static List<Path> results(Path arm) {
    Path plain = io.fleetlb.analysis.imports.GenAiPerf.withoutSelector(arm);
    if (!plain.equals(arm) && Files.isRegularFile(plain)) {
      return List.of(arm); // one experiment of a GenAI-Perf export: profile_export.json#N
    }
    if (!Files.exists(arm)) {
      throw InputException.unreadable(arm + ": no such file or directory");
    }
    if (Files.isRegularFile(arm)) {
      if (!Files.isReadable(arm)) {
        throw InputException.unreadable(arm + ": cannot read (permission denied)");
      }
      return List.of(arm);
    }
    List<Path> found = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(arm)) {
      for (Path p :
          (Iterable<Path>)
              walk.filter(Files::isRegularFile).filter(RunDiscovery::candidate)::iterator) {
        if (p.getFileName().toString().endsWith(".jsonl")) {
          // AIPerf's records count on their own only without their summary (which names the run)
          if (!Files.exists(p.resolveSibling("profile_export_aiperf.json"))
              && io.fleetlb.analysis.imports.AiPerf.isRecordsFile(p)) {
            found.add(p);
          }
        } else if (RunReader.detect(p, quietRead(p)) != null) {
          found.add(p);
        }
      }
    } catch (IOException | java.io.UncheckedIOException e) {
      throw InputException.unreadable(arm + ": cannot list (" + e.getMessage() + ")");
    }
    if (found.isEmpty()) {
      throw InputException.unreadable(
          arm
              + ": no run found in this directory or below it (a bench result, or a "
              + "vllm bench serve, GenAI-Perf or AIPerf export)");
    }
    found.sort(Comparator.comparing(p -> arm.relativize(p).toString(), RunDiscovery::natural));
    return List.copyOf(found);
  }

  private static boolean candidate(Path p) {
    String name = p.getFileName().toString();
    return name.endsWith(".json") || name.equals("profile_export.jsonl");
  }

  private static com.fasterxml.jackson.databind.JsonNode quietRead(Path p) {
    try {
      return RunReader.readJson(p);
    } catch (InputException e) {
      return null; // not ours to judge: only bench results count
    }
  }

  /** Natural order: digit runs compare as numbers. */
  static int natural(String a, String b) {
    Matcher ma = NUMBER.matcher(a);
    Matcher mb = NUMBER.matcher(b);
    while (ma.find() && mb.find()) {
      String x = ma.group();
      String y = mb.group();
      int c;
      if (Character.isDigit(x.charAt(0)) && Character.isDigit(y.charAt(0))) {
        c = new java.math.BigInteger(x).compareTo(new java.math.BigInteger(y));
      } else {
        c = x.compareTo(y);
      }
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.length(), b.length());
  }
}
