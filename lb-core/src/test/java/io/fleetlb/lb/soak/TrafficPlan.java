package io.fleetlb.lb.soak;

import static io.fleetlb.lb.soak.SoakTopology.LLAMA_70B;
import static io.fleetlb.lb.soak.SoakTopology.LLAMA_8B;
import static io.fleetlb.lb.soak.SoakTopology.MODELS;
import static io.fleetlb.lb.soak.SoakTopology.QWEN_7B;

import io.fleetlb.lb.soak.FaultSchedule.Fault;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The soak's requests, drawn once from a seed so both routers get the same ones at the same
 * offsets: steady streaming chat traffic over the three models (Poisson arrivals), a few of whose
 * clients leave mid-stream; requests without a key or with a wrong one; a rate-limited key sending
 * three times its limit; a key allowed one model asking for all three; and the overload bursts of
 * the fault schedule, some of whose clients give up while queued.
 */
final class TrafficPlan {
  /** Who sends a request, and so what answer is expected. */
  enum Kind {
    STEADY, BURST, NO_KEY, BAD_KEY, RATE_LIMITED, RESTRICTED
  }

  /**
   * One request.
   *
   * @param seq its number; the x-request-id is the router's prefix and this number
   * @param at seconds after traffic starts
   * @param key the client key id, null for none ({@code BAD_KEY} sends a key nobody has)
   * @param cancelAfterTokens the client disconnects after this many output tokens (-1: never)
   * @param cancelAfterMillis the client disconnects this long after sending (-1: never)
   */
  record Request(int seq, double at, Kind kind, String model, String key, String body,
      int cancelAfterTokens, long cancelAfterMillis) {}

  static final double STEADY_CANCEL_SHARE = 0.04;
  static final int BURST_SIZE = 50;
  static final double BURST_CANCEL_SHARE = 0.2;
  private static final double[] MODEL_SHARES = {0.4, 0.35, 0.25};
  private static final String[] WORDS = ("the of and to in is that for it as with was on be by"
      + " at this are from or an which have not but all were when there can been one more will"
      + " their if about would other into time only some could these two may first then do any"
      + " like my now over such our man me even most made after also did many before must through"
      + " back years where much your way well down should because each just those people how too"
      + " little state good very make world still own see men work long get here between both life"
      + " being under never day same another know while last might us great old year off come"
      + " since against go came right used take three").split(" ");

  private TrafficPlan() {}

  /** The requests of a run of {@code seconds} at {@code rate} steady requests per second. */
  static List<Request> draw(long seed, double seconds, double rate, List<Fault> faults) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>();
    poisson(random, seconds, rate, at -> {
      String model = MODELS.get(pick(random, MODEL_SHARES));
      int words = (int) Math.min(1500, Math.max(16, Math.exp(Math.log(200)
          + 0.8 * gaussian(random))));
      int maxTokens = 32 + random.nextInt(225);
      boolean cancel = random.nextDouble() < STEADY_CANCEL_SHARE;
      out.add(new Request(0, at, Kind.STEADY, model, "team-a",
          body(random, model, words, maxTokens, false), cancel ? 1 + random.nextInt(30) : -1, -1));
    });
    poisson(random, seconds, 0.1, at -> out.add(new Request(0, at, Kind.NO_KEY, LLAMA_8B, null,
        body(random, LLAMA_8B, 20, 16, false), -1, -1)));
    poisson(random, seconds, 0.1, at -> out.add(new Request(0, at, Kind.BAD_KEY, QWEN_7B, null,
        body(random, QWEN_7B, 20, 16, false), -1, -1)));
    double trialRate = 3.0 * SoakTopology.TRIAL_REQUESTS_PER_MINUTE / 60;
    poisson(random, seconds, trialRate, at -> out.add(new Request(0, at, Kind.RATE_LIMITED,
        LLAMA_8B, "trial", body(random, LLAMA_8B, 40, 24, false), -1, -1)));
    poisson(random, seconds, 0.2, at -> {
      String model = MODELS.get(random.nextInt(MODELS.size()));
      out.add(new Request(0, at, Kind.RESTRICTED, model, "team-8b",
          body(random, model, 40, 24, false), -1, -1));
    });
    for (Fault f : faults) {
      if (f.kind() != FaultSchedule.Kind.BURST) {
        continue;
      }
      for (int i = 0; i < BURST_SIZE; i++) {
        boolean cancel = random.nextDouble() < BURST_CANCEL_SHARE;
        out.add(new Request(0, f.at() + f.seconds() * i / BURST_SIZE, Kind.BURST, f.target(),
            "batch", body(random, f.target(), 400, f.target().equals(LLAMA_70B) ? 200 : 300, true),
            -1, cancel ? 500 + random.nextInt(2500) : -1));
      }
    }
    out.sort(Comparator.comparingDouble(Request::at));
    List<Request> numbered = new ArrayList<>(out.size());
    for (int i = 0; i < out.size(); i++) {
      Request r = out.get(i);
      numbered.add(new Request(i + 1, r.at(), r.kind(), r.model(), r.key(), r.body(),
          r.cancelAfterTokens(), r.cancelAfterMillis()));
    }
    return numbered;
  }

  private static void poisson(SplittableRandom random, double seconds, double rate,
      java.util.function.DoubleConsumer each) {
    double t = -Math.log(1 - random.nextDouble()) / rate;
    while (t < seconds) {
      each.accept(t);
      t += -Math.log(1 - random.nextDouble()) / rate;
    }
  }

  private static int pick(SplittableRandom random, double[] shares) {
    double x = random.nextDouble();
    for (int i = 0; i < shares.length - 1; i++) {
      x -= shares[i];
      if (x < 0) {
        return i;
      }
    }
    return shares.length - 1;
  }

  private static double gaussian(SplittableRandom random) {
    double u = 1 - random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  /** A streaming chat request of {@code words} words asking for at most {@code maxTokens}. */
  private static String body(SplittableRandom random, String model, int words, int maxTokens,
      boolean fixedLength) {
    StringBuilder content = new StringBuilder(words * 6);
    for (int i = 0; i < words; i++) {
      content.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
        + content + "\"}],\"stream\":true,\"stream_options\":{\"include_usage\":true},"
        + "\"max_tokens\":" + maxTokens + (fixedLength ? ",\"ignore_eos\":true" : "") + "}";
  }
}
