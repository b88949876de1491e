package io.fleetlb.bench.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.bench.arrival.ArrivalProcess;
import io.fleetlb.bench.arrival.GammaArrivals;
import io.fleetlb.bench.arrival.RampArrivals;
import io.fleetlb.bench.arrival.TraceArrivals;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns {@link WorkloadSettings} into a frozen {@link Workload}. Each random choice draws from its
 * own seeded stream (models, classes, lengths, text, arrivals), so changing one setting does not
 * reshuffle unrelated choices, and the same settings and seed always give the same bytes.
 */
public final class WorkloadGenerator {
  private static final int DEFAULT_NUM_PROMPTS = 1000;

  private WorkloadGenerator() {}

  public static Workload generate(WorkloadSettings s) throws IOException {
    WorkloadSettings.DatasetSettings ds = s.dataset();
    ObjectNode datasetInfo = WorkloadFile.MAPPER.createObjectNode();
    datasetInfo.put("name", ds.name());
    List<PromptSample> fileSamples = null;
    long[] traceTimes = null;
    int n = ds.numPrompts() != null ? ds.numPrompts() : DEFAULT_NUM_PROMPTS;
    switch (ds.name()) {
      case "random":
      case "sonnet":
        if (ds.name().equals("sonnet") && ds.path() != null) {
          datasetInfo.put("path", ds.path());
          datasetInfo.put("sha256", sha256(Path.of(ds.path())));
        }
        break;
      case "sharegpt":
        {
          Path p = requirePath(ds);
          var loaded =
              ShareGptDataset.load(p, n, ds.sharegptOutputLen(), new Rng(s.seed(), "sharegpt"));
          fileSamples = loaded.samples();
          datasetInfo.put("path", ds.path());
          datasetInfo.put("sha256", sha256(p));
          datasetInfo.put("conversations", loaded.conversations());
          datasetInfo.put("usable", loaded.valid());
          datasetInfo.put("oversampled", loaded.oversampled());
          break;
        }
      case "trace":
        {
          Path p = requirePath(ds);
          var loaded = TraceDataset.load(p, ds.traceTimeUnit());
          if (ds.numPrompts() == null) {
            n = loaded.rows().size();
          } else if (n > loaded.rows().size()) {
            throw new IllegalArgumentException(
                "--num-prompts "
                    + n
                    + ": the trace has only "
                    + loaded.rows().size()
                    + " usable rows");
          }
          fileSamples = new ArrayList<>(n);
          traceTimes = new long[n];
          Rng text = new Rng(s.seed(), "text");
          for (int i = 0; i < n; i++) {
            var row = loaded.rows().get(i);
            traceTimes[i] = row.timestampNanos();
            fileSamples.add(
                new PromptSample(
                    PromptText.words(row.inputTokens(), text),
                    row.inputTokens(),
                    row.outputTokens(),
                    null));
          }
          datasetInfo.put("path", ds.path());
          datasetInfo.put("sha256", sha256(p));
          datasetInfo.put("rows_used", n);
          datasetInfo.put("rows_skipped", loaded.skipped());
          datasetInfo.put("time_unit", loaded.timeUnit());
          break;
        }
      case "prefix_repetition":
        {
          var made = PrefixRepetitionDataset.make(s.prefixRepetition(), n, s.seed());
          fileSamples = made.prompts();
          n = fileSamples.size();
          datasetInfo.put("num_prefixes", s.prefixRepetition().numPrefixes());
          datasetInfo.put("prompts_per_prefix", made.promptsPerPrefix());
          break;
        }
      default:
        throw new IllegalArgumentException(
            "--dataset-name: '"
                + ds.name()
                + "' is not one of random, sonnet, sharegpt, trace, prefix_repetition");
    }
    if (n < 1) {
      throw new IllegalArgumentException("--num-prompts must be >= 1, got " + n);
    }
    if (s.sessions() != null) {
      int sessions = s.sessions().numSessions();
      long[] starts = arrivals(s, null).offsetsNanos(sessions, new Rng(s.seed(), "arrivals"));
      List<WorkloadRequest> turns = SessionGenerator.generate(s, ds.numPrompts(), starts);
      return new Workload(WorkloadHeader.of(s, turns, datasetInfo), turns);
    }
    long[] offsets = arrivals(s, traceTimes).offsetsNanos(n, new Rng(s.seed(), "arrivals"));
    List<WorkloadRequest> requests = requests(s, n, offsets, fileSamples);
    return new Workload(WorkloadHeader.of(s, requests, datasetInfo), requests);
  }

  static ArrivalProcess arrivals(WorkloadSettings s, long[] traceTimes) {
    WorkloadSettings.ArrivalSettings a = s.arrivals();
    if (a.rampUpStrategy() != null) {
      RampArrivals.Strategy st =
          RampArrivals.Strategy.valueOf(a.rampUpStrategy().toUpperCase(Locale.ROOT));
      return new RampArrivals(st, a.rampUpStartRps(), a.rampUpEndRps(), shape(a));
    }
    if (traceTimes != null && Double.isInfinite(a.requestRate())) {
      return new TraceArrivals(traceTimes, s.dataset().traceTimeScale());
    }
    if (Double.isInfinite(a.requestRate())) {
      return ArrivalProcess.allAtOnce();
    }
    return new GammaArrivals(a.requestRate(), shape(a));
  }

  private static double shape(WorkloadSettings.ArrivalSettings a) {
    String p = a.arrivalPattern() == null ? "" : a.arrivalPattern();
    return p.equals("constant")
        ? Double.POSITIVE_INFINITY
        : p.equals("poisson") ? 1.0 : a.burstiness();
  }

  private static List<WorkloadRequest> requests(
      WorkloadSettings s, int n, long[] offsets, List<PromptSample> fileSamples) {
    WeightedChoice<ModelShare> models = new WeightedChoice<>(s.models(), ModelShare::weight);
    Map<String, WeightedChoice<RequestClass>> classChoice = classChoices(s);
    SystemPrompts system = new SystemPrompts(s.seed());
    Rng modelRng = new Rng(s.seed(), "models");
    Rng classRng = new Rng(s.seed(), "classes");
    Rng lengthRng = new Rng(s.seed(), "lengths");
    Rng textRng = new Rng(s.seed(), "text");
    SyntheticDataset synthetic = synthetic(s);
    LengthDistribution defaultIn = defaultInput(s);
    LengthDistribution defaultOut = defaultOutput(s);
    RequestBodies bodies = new RequestBodies(s.isChat(), s.sampling());
    List<WorkloadRequest> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ModelShare model = models.pick(modelRng);
      PromptSample sample;
      String systemPrompt = null;
      if (fileSamples != null) {
        sample = fileSamples.get(i);
      } else {
        WeightedChoice<RequestClass> cc = classChoice.get(model.name());
        RequestClass rc = cc == null ? null : cc.pick(classRng);
        int in = (rc == null ? defaultIn : rc.input()).sample(lengthRng);
        int outLen = (rc == null ? defaultOut : rc.output()).sample(lengthRng);
        sample = synthetic.make(rc == null ? null : rc.name(), in, outLen, textRng);
        systemPrompt = system.pick(rc);
      }
      byte[] body =
          bodies.body(
              model.name(), systemPrompt, sample.text(), sample.outputTokens(), requestSeed(s, i));
      out.add(
          new WorkloadRequest(
              i,
              offsets[i],
              model.name(),
              s.endpoint(),
              sample.className(),
              sample.inputTokens() + (systemPrompt == null ? 0 : SimTokens.count(systemPrompt)),
              sample.outputTokens(),
              body));
    }
    return out;
  }

  /** Each model's class mix: its own classes, else the global ones; null when there are none. */
  static Map<String, WeightedChoice<RequestClass>> classChoices(WorkloadSettings s) {
    Map<String, WeightedChoice<RequestClass>> classChoice = new java.util.HashMap<>();
    for (ModelShare m : s.models()) {
      List<RequestClass> cs = m.classes().isEmpty() ? s.classes() : m.classes();
      classChoice.put(
          m.name(), cs.isEmpty() ? null : new WeightedChoice<>(cs, RequestClass::weight));
    }
    return classChoice;
  }

  /** The body's {@code seed} of request {@code i}. */
  static long requestSeed(WorkloadSettings s, int i) {
    return (s.seed() * 1_000_003L + i) & 0x7fffffffL;
  }

  static SyntheticDataset synthetic(WorkloadSettings s) {
    WorkloadSettings.DatasetSettings ds = s.dataset();
    if (ds.name().equals("sonnet")) {
      List<String> lines = null;
      if (ds.path() != null) {
        try {
          lines =
              Files.readAllLines(Path.of(ds.path())).stream()
                  .filter(l -> !l.isBlank())
                  .collect(Collectors.toList());
        } catch (IOException e) {
          throw new IllegalArgumentException(
              "--dataset-path " + ds.path() + ": cannot read (" + e.getMessage() + ")");
        }
      }
      return new SonnetDataset(ds.sonnetPrefixLen(), lines, s.seed());
    }
    return new RandomDataset(ds.name().equals("random") ? ds.randomPrefixLen() : 0, s.seed());
  }

  static LengthDistribution defaultInput(WorkloadSettings s) {
    WorkloadSettings.DatasetSettings ds = s.dataset();
    if (ds.inputLenDist() != null) {
      return LengthDistribution.parse(ds.inputLenDist());
    }
    return ds.name().equals("sonnet")
        ? new LengthDistribution.Fixed(ds.sonnetInputLen())
        : spread(ds.randomInputLen(), ds.randomRangeRatio(), "--random-input-len");
  }

  static LengthDistribution defaultOutput(WorkloadSettings s) {
    WorkloadSettings.DatasetSettings ds = s.dataset();
    if (ds.outputLenDist() != null) {
      return LengthDistribution.parse(ds.outputLenDist());
    }
    return ds.name().equals("sonnet")
        ? new LengthDistribution.Fixed(ds.sonnetOutputLen())
        : spread(ds.randomOutputLen(), ds.randomRangeRatio(), "--random-output-len");
  }

  /** vLLM's range ratio: uniform integers in [floor(len*(1-r)), ceil(len*(1+r))]. */
  static LengthDistribution spread(int len, double ratio, String flag) {
    if (len < 1) {
      throw new IllegalArgumentException(flag + " must be >= 1, got " + len);
    }
    if (!(ratio >= 0) || ratio >= 1) {
      throw new IllegalArgumentException("--random-range-ratio must be in [0, 1), got " + ratio);
    }
    if (ratio == 0) {
      return new LengthDistribution.Fixed(len);
    }
    return new LengthDistribution.Uniform(
        Math.max(1, (int) Math.floor(len * (1 - ratio))), (int) Math.ceil(len * (1 + ratio)));
  }

  private static Path requirePath(WorkloadSettings.DatasetSettings ds) {
    if (ds.path() == null) {
      throw new IllegalArgumentException(
          "--dataset-name " + ds.name() + " needs --dataset-path FILE");
    }
    return Path.of(ds.path());
  }

  static String sha256(Path p) throws IOException {
    var md = WorkloadFile.sha256();
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[1 << 16];
      for (int r = in.read(buf); r > 0; r = in.read(buf)) {
        md.update(buf, 0, r);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IOException("--dataset-path " + p + ": no such file");
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
