package io.fleetlb.bench.cli;

import io.fleetlb.bench.workload.Workload;
import io.fleetlb.bench.workload.WorkloadFile;
import io.fleetlb.bench.workload.WorkloadRequest;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code bench.jar verify FILE}: checks a workload's hash and format and summarises it. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "verify", description = "Check a workload file (format and content hash) and "
        + "summarise it; exit 1 if it is unusable.")
public final class VerifyCommand implements Callable<Integer> {
  @Parameters(paramLabel = "WORKLOAD", description = "A workload file from 'bench.jar "
      + "workload'.") Path file;

  @Override
  public Integer call() {
    Workload w;
    try {
      w = WorkloadFile.read(file);
    } catch (java.io.IOException e) {
      throw new BenchFailure(e.getMessage());
    }
    Map<String, Integer> perModel = new TreeMap<>();
    Map<String, Integer> perClass = new TreeMap<>();
    long in = 0;
    long out = 0;
    for (WorkloadRequest r : w.requests()) {
      perModel.merge(r.model(), 1, Integer::sum);
      if (r.className() != null) {
        perClass.merge(r.className(), 1, Integer::sum);
      }
      in += r.inputTokens();
      out += r.outputTokens();
    }
    System.out.printf(java.util.Locale.ROOT, "%s: OK (sha256 %s)%n  %d requests over %.3f s (%s "
        + "req/s offered), seed %d, endpoint %s%n"
        + "  expected tokens: %d in, %d out%n  per model: %s%n", file, w.contentSha256(),
        w.requests().size(),
        w.spanNanos() / 1e9, w.header().path("request_rate").asText(), w.seed(),
            w.header().path("endpoint").asText(), in, out,
        perModel);
    if (!perClass.isEmpty()) {
      System.out.println("  per class: " + perClass);
    }
    return 0;
  }
}
