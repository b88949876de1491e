package io.fleetlb.bench.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.calibrate.CalibrationSettings;
import io.fleetlb.bench.calibrate.Calibrator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bench.jar calibrate}: the client's own ceiling and measurement error against the built-in upstream. */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class, name = "calibrate", sortOptions = false, usageHelpAutoWidth = true, abbreviateSynopsis = true,
    description = "Drive the real replay engine against an in-process upstream of known TTFT and inter-token delay: "
        + "report schedule lag and TTFT/ITL measurement error at --fidelity-rate, then the highest offered rate "
        + "held (achieved >= --min-achieved-ratio, p99 lag <= --max-schedule-lag-ms, no failures).")
public final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--ttft", converter = DurationConverter.class, defaultValue = "20ms") long ttftNs;
  @Option(names = "--itl", converter = DurationConverter.class, defaultValue = "5ms") long itlNs;
  @Option(names = "--output-tokens", defaultValue = "4") int outputTokens;
  @Option(names = "--input-tokens", defaultValue = "16") int inputTokens;
  @Option(names = "--rates", split = ",", defaultValue = "1000,2000,4000,6000,8000,10000,12000,15000,20000",
      description = "Offered rates of the ladder, ascending (default ${DEFAULT-VALUE}).")
  List<Double> rates = new ArrayList<>();
  @Option(names = "--step-duration", converter = DurationConverter.class, defaultValue = "5s") long stepNs;
  @Option(names = "--fidelity-rate", defaultValue = "2000") double fidelityRate;
  @Option(names = "--fidelity-duration", converter = DurationConverter.class, defaultValue = "10s") long fidelityNs;
  @Option(names = "--warmup", converter = DurationConverter.class, defaultValue = "15s",
      description = "JIT warm-up at --fidelity-rate, not reported (default ${DEFAULT-VALUE}).") long warmupNs;
  @Option(names = "--attempts", defaultValue = "2", description = "Tries per ladder rate before it counts as missed (default ${DEFAULT-VALUE}).") int attempts;
  @Option(names = "--arrival-pattern", defaultValue = "poisson", description = "poisson, gamma or constant.") String pattern;
  @Option(names = "--burstiness", defaultValue = "1.0") double burstiness;
  @Option(names = "--seed", defaultValue = "0") long seed;
  @Option(names = "--event-loops", defaultValue = "1", description = "Client event loops.") int clientLoops;
  @Option(names = "--server-event-loops", defaultValue = "1", description = "Upstream event loops; 0 = share the client's.") int serverLoops;
  @Option(names = "--min-achieved-ratio", defaultValue = "0.995") double minRatio;
  @Option(names = "--max-schedule-lag-ms", defaultValue = "1.0") double maxLagMs;
  @Option(names = "--max-time", converter = DurationConverter.class, defaultValue = "5m", description = "Stop climbing the ladder after this long.") long maxTimeNs;
  @Option(names = {"-o", "--out"}, description = "Write the calibration as JSON.") Path out;

  @Override
  public Integer call() throws Exception {
    if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0))) {
      throw new IllegalArgumentException("--rates must be positive numbers");
    }
    List<Double> sorted = new ArrayList<>(rates);
    sorted.sort(Double::compare);
    CalibrationSettings s = new CalibrationSettings(ttftNs, itlNs, outputTokens, inputTokens, sorted, stepNs / 1e9,
        fidelityRate, fidelityNs / 1e9, warmupNs / 1e9, pattern, burstiness, seed, clientLoops, serverLoops, minRatio,
        maxLagMs, Math.max(1, attempts), maxTimeNs);
    ObjectNode result = new Calibrator(s, System.out).run();
    if (out != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), result);
      System.err.println("wrote " + out);
    }
    return 0;
  }
}
