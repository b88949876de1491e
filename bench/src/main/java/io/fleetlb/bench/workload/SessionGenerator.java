package io.fleetlb.bench.workload;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Multi-turn sessions frozen into requests: each session (one user's conversation) starts at its
 * offset of the arrival process, picks its model, class and system prompt once, and has a turn
 * count drawn from a normal distribution (rounded, at least 1). Turn t's body holds the whole
 * conversation so far: the system prompt, every earlier user message with its frozen answer (text
 * of that turn's expected output length, not the server's real answer) and the new user message.
 * Turn t > 0 is due its think time after turn t - 1 ended, which replay decides; its offset is the
 * session's start. Lines are grouped by session, in start order.
 */
final class SessionGenerator {
  private SessionGenerator() {}

  /**
   * @param cap the most requests in all ({@code --num-prompts}), or null for every turn
   * @param starts each session's start offset in nanoseconds, non-decreasing
   */
  static List<WorkloadRequest> generate(WorkloadSettings s, Integer cap, long[] starts) {
    WorkloadSettings.SessionSettings ss = s.sessions();
    WeightedChoice<ModelShare> models = new WeightedChoice<>(s.models(), ModelShare::weight);
    Map<String, WeightedChoice<RequestClass>> classChoice = WorkloadGenerator.classChoices(s);
    SystemPrompts system = new SystemPrompts(s.seed());
    Rng modelRng = new Rng(s.seed(), "models");
    Rng classRng = new Rng(s.seed(), "classes");
    Rng lengthRng = new Rng(s.seed(), "lengths");
    Rng textRng = new Rng(s.seed(), "text");
    Rng answerRng = new Rng(s.seed(), "answers");
    Rng turnsRng = new Rng(s.seed(), "session-turns");
    Rng delayRng = new Rng(s.seed(), "session-delays");
    SyntheticDataset synthetic = WorkloadGenerator.synthetic(s);
    LengthDistribution defaultIn = WorkloadGenerator.defaultInput(s);
    LengthDistribution defaultOut = WorkloadGenerator.defaultOutput(s);
    RequestBodies bodies = new RequestBodies(true, s.sampling());
    int limit = cap == null ? Integer.MAX_VALUE : cap;
    List<WorkloadRequest> out = new ArrayList<>();
    for (int session = 0; session < starts.length && out.size() < limit; session++) {
      ModelShare model = models.pick(modelRng);
      WeightedChoice<RequestClass> cc = classChoice.get(model.name());
      RequestClass rc = cc == null ? null : cc.pick(classRng);
      String className = rc == null ? null : rc.name();
      int turns = turns(ss, turnsRng);
      List<RequestBodies.Message> messages = new ArrayList<>();
      int tokens = 0;
      String systemPrompt = system.pick(rc);
      if (systemPrompt != null) {
        messages.add(new RequestBodies.Message("system", systemPrompt));
        tokens += SimTokens.count(systemPrompt);
      }
      for (int t = 0; t < turns && out.size() < limit; t++) {
        int in = (rc == null ? defaultIn : rc.input()).sample(lengthRng);
        int outLen = (rc == null ? defaultOut : rc.output()).sample(lengthRng);
        PromptSample user = synthetic.make(className, in, outLen, textRng);
        messages.add(new RequestBodies.Message("user", user.text()));
        tokens += user.inputTokens();
        long think = t == 0 ? 0 : thinkNanos(ss, delayRng);
        int index = out.size();
        byte[] body =
            bodies.chatBody(
                model.name(), messages, outLen, WorkloadGenerator.requestSeed(s, index));
        out.add(
            new WorkloadRequest(
                index,
                starts[session],
                model.name(),
                s.endpoint(),
                className,
                tokens,
                outLen,
                body,
                new WorkloadRequest.Turn(session, t, think)));
        // the answer the next turn resends: frozen text of the expected length, one token a word
        messages.add(new RequestBodies.Message("assistant", PromptText.words(outLen, answerRng)));
        tokens += outLen;
      }
    }
    return out;
  }

  /** GenAI-Perf's turn count: normal(mean, stddev), rounded, at least 1. */
  private static int turns(WorkloadSettings.SessionSettings ss, Rng rng) {
    double v =
        ss.turnsStddev() == 0 ? ss.turnsMean() : ss.turnsMean() + ss.turnsStddev() * rng.gaussian();
    return (int) Math.max(1, Math.min(1_000_000, Math.round(v)));
  }

  /** Think time: normal(mean, stddev) in ms, at least 0, in nanoseconds. */
  private static long thinkNanos(WorkloadSettings.SessionSettings ss, Rng rng) {
    double ms =
        ss.turnDelayStddevMs() == 0
            ? ss.turnDelayMeanMs()
            : ss.turnDelayMeanMs() + ss.turnDelayStddevMs() * rng.gaussian();
    return Math.round(Math.max(0, ms) * 1e6);
  }
}
