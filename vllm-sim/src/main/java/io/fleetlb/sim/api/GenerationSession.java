package io.fleetlb.sim.api;

import io.fleetlb.sim.engine.FinishReason;
import io.fleetlb.sim.replica.EngineDriver;
import io.fleetlb.sim.replica.TokenSink;
import io.fleetlb.sim.tokens.TextGenerator;
import io.vertx.core.Context;
import io.vertx.core.http.HttpServerResponse;

/**
 * One generation request on the wire: turns the engine's tokens into vLLM's SSE chunks or, for
 * {@code stream: false}, into one JSON body at the end; aborts the sequence when the client goes
 * away.
 *
 * <p>Every method runs on the request's event loop. Like vLLM, the role chunk goes out together
 * with the first token (not when the request arrives), and a response that stops at EOS ends with
 * an empty content chunk carrying {@code finish_reason: "stop"} (the EOS token counts as a
 * completion token).
 */
final class GenerationSession implements TokenSink {

  private final Context context;
  private final HttpServerResponse response;
  private final GenerationRequest request;
  private final WireFormat wire;
  private final TextGenerator text;
  private final String id;
  private final long created;
  private final int stallAfter;
  private final Runnable onEnd;
  private final RequestLog.Trace trace;
  private final StringBuilder full;
  private EngineDriver.Handle handle;
  private boolean ended;

  GenerationSession(
      Context context,
      HttpServerResponse response,
      GenerationRequest request,
      WireFormat wire,
      TextGenerator text,
      String id,
      long created,
      int stallAfter,
      Runnable onEnd,
      RequestLog.Trace trace) {
    this.context = context;
    this.response = response;
    this.request = request;
    this.wire = wire;
    this.text = text;
    this.id = id;
    this.created = created;
    this.stallAfter = stallAfter;
    this.onEnd = onEnd;
    this.trace = trace;
    this.full = request.stream() ? null : new StringBuilder(256);
  }

  void attach(EngineDriver.Handle h) {
    this.handle = h;
    response.closeHandler(v -> clientGone());
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public void onToken(int index, FinishReason finish, long intendedNanos) {
    onToken(index, finish, intendedNanos, 0);
  }

  @Override
  public void onToken(int index, FinishReason finish, long intendedNanos, int cachedTokens) {
    if (ended) {
      return;
    }
    if (stallAfter >= 0 && index >= stallAfter) {
      return; // fault injection: the replica stops sending and never finishes this response
    }
    if (!request.stream()) {
      full.append(finish == FinishReason.STOP ? "" : text.next());
      if (finish != null) {
        trace.sent(index + 1);
        finish(
            finish,
            () ->
                response
                    .putHeader("content-type", "application/json")
                    .end(
                        wire.completeBody(
                            id,
                            created,
                            request.model(),
                            full.toString(),
                            finish.wire(),
                            request.promptTokens(),
                            index + 1,
                            cachedTokens)));
      }
      return;
    }
    if (index == 0 && request.chat()) {
      response.write(wire.roleChunk());
    }
    if (finish == null) {
      response.write(wire.tokenChunk(text.nextBytes()));
    } else {
      response.write(
          wire.tokenChunk(finish == FinishReason.STOP ? "" : text.next(), finish.wire()));
    }
    trace.sent(1);
    if (finish != null) {
      finish(
          finish,
          () -> {
            if (request.includeUsage()) {
              response.write(wire.usageChunk(request.promptTokens(), index + 1, cachedTokens));
            }
            response.end(WireFormat.done());
          });
    }
  }

  private void finish(FinishReason reason, Runnable write) {
    ended = true;
    onEnd.run();
    write.run();
    trace.ended("finished", response.getStatusCode(), reason.wire());
  }

  /**
   * The connection closed before the response ended: stop generating, as vLLM aborts the request.
   */
  private void clientGone() {
    if (!ended) {
      ended = true;
      onEnd.run();
      handle.cancel();
      trace.ended("aborted", response.getStatusCode(), null);
    }
  }
}
