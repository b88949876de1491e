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

/**
 * {@code bench.jar calibrate}: the client's own ceiling and measurement error against the built-in
 * upstream.
 */
@Command(mixinStandardHelpOptions = true, versionProvider = io.fleetlb.bench.Main.Version.class,
    name = "calibrate", sortOptions = false, showDefaultValues = true, usageHelpAutoWidth = true,
        abbreviateSynopsis = true,
    description = "Drive the real replay engine against an in-process upstream of known TTFT and "
        + "inter-token delay: "
        + "report schedule lag and TTFT/ITL measurement error at --fidelity-rate, then the "
        + "highest offered rate "
        + "held (achieved >= --min-achieved-ratio, p99 lag <= --max-schedule-lag-ms, no failures).")
public final class CalibrateCommand implements Callable<Integer> {
  @Option(names = "--ttft", converter = DurationConverter.class, defaultValue = "20ms",
      paramLabel = "DURATION",
      description = "Time to first token of the in-process upstream.") long ttftNs;
  @Option(names = "--itl", converter = DurationConverter.class, defaultValue = "5ms",
      paramLabel = "DURATION",
      description = "Gap between the upstream's tokens.") long itlNs;
  @Option(names = "--output-tokens", defaultValue = "4", paramLabel = "N",
      description = "Tokens per response.") int outputTokens;
  @Option(names = "--input-tokens", defaultValue = "16", paramLabel = "N",
      description = "Prompt tokens per request.") int inputTokens;
  @Option(names = "--rates", split = ",",
      defaultValue = "1000,2000,4000,6000,8000,10000,12000,15000,20000", paramLabel = "R,R,...",
      description = "Offered rates of the ladder, ascending (req/s).")
  List<Double> rates = new ArrayList<>();
  @Option(names = "--step-duration", converter = DurationConverter.class, defaultValue = "5s",
      paramLabel = "DURATION",
      description = "Length of each ladder step.") long stepNs;
  @Option(names = "--fidelity-rate", defaultValue = "2000", paramLabel = "R",
      description = "Rate of the fidelity run (req/s).") double fidelityRate;
  @Option(names = "--fidelity-duration", converter = DurationConverter.class, defaultValue = "10s",
      paramLabel = "DURATION",
      description = "Length of the fidelity run.") long fidelityNs;
  @Option(names = "--warmup", converter = DurationConverter.class, defaultValue = "15s",
      paramLabel = "DURATION",
      description = "JIT warm-up at --fidelity-rate, not reported.") long warmupNs;
  @Option(names = "--step-warmup", converter = DurationConverter.class, defaultValue = "1s",
      paramLabel = "DURATION",
      description = "Unmeasured run at each ladder rate before its attempts (its connections, "
          + "its code paths); 0 skips it.") long stepWarmupNs;
  @Option(names = "--attempts", defaultValue = "2", paramLabel = "N",
      description = "Tries per ladder rate before it counts as missed.") int attempts;
  @Option(names = "--refine", defaultValue = "3", paramLabel = "N",
      description = "After the first missed rate above the highest rate held, up to N more "
          + "rates halfway between the two, until they are within 10 %%; 0 keeps the ladder's "
          + "steps.")
  int refinements;
  @Option(names = "--arrival-pattern", defaultValue = "poisson", paramLabel = "PATTERN",
      description = "poisson, gamma or constant.") String pattern;
  @Option(names = "--burstiness", defaultValue = "1.0", paramLabel = "B",
      description = "Gamma shape of the gaps (with --arrival-pattern gamma).") double burstiness;
  @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
      description = "Seeds the arrivals.") long seed;
  @Option(names = "--event-loops", defaultValue = "1", paramLabel = "N",
      description = "Client event loops.") int clientLoops;
  @Option(names = "--server-event-loops", defaultValue = "1", paramLabel = "N",
      description = "Upstream event loops; 0 = share the client's.") int serverLoops;
  @Option(names = "--min-achieved-ratio", defaultValue = "0.995", paramLabel = "X",
      description = "A rate is held when achieved >= X * offered.") double minRatio;
  @Option(names = "--max-schedule-lag-ms", defaultValue = "1.0", paramLabel = "MS",
      description = "A rate is held when the p99 schedule lag is at most MS (or at most the "
          + "machine's own p99 floor lag, when that is higher).") double maxLagMs;
  @Option(names = "--max-time", converter = DurationConverter.class, defaultValue = "5m",
      paramLabel = "DURATION",
      description = "Stop climbing the ladder after this long.") long maxTimeNs;
  @Option(names = "--floor-duration", converter = DurationConverter.class, defaultValue = "3s",
      paramLabel = "DURATION",
      description = "Length of each machine-floor test (a busy loop reading the clock, first on "
          + "one thread, then on every core); 0 skips it.") long floorNs;
  @Option(names = {"-o", "--out"}, paramLabel = "FILE",
      description = "Also write the calibration as JSON (default: console only).") Path out;

  @Override
  public Integer call() throws Exception {
    if (rates.isEmpty() || rates.stream().anyMatch(r -> !(r > 0))) {
      throw new IllegalArgumentException("--rates must be positive numbers");
    }
    List<Double> sorted = new ArrayList<>(rates);
    sorted.sort(Double::compare);
    CalibrationSettings s = new CalibrationSettings(ttftNs, itlNs, outputTokens, inputTokens,
        sorted, stepNs / 1e9,
        fidelityRate, fidelityNs / 1e9, warmupNs / 1e9, pattern, burstiness, seed, clientLoops,
            serverLoops, minRatio,
        maxLagMs, Math.max(1, attempts), maxTimeNs, floorNs / 1e9,
        stepWarmupNs / 1e9, Math.max(0, refinements));
    ObjectNode result = new Calibrator(s, System.out).run();
    if (out != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(),
          result);
      System.err.println("wrote " + out);
    }
    return 0;
  }
}
