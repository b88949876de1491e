package io.fleetlb.lb.testing;

import io.fleetlb.lb.testing.ScriptedUpstream.Call;
import io.fleetlb.lb.testing.ScriptedUpstream.Script;
import io.vertx.core.http.HttpServerResponse;

/** Ready-made {@link Script}s: the replica behaviours the router must cope with. */
public final class Scripts {
  private Scripts() {}

  /** Answers a JSON body with a status, immediately. */
  public static Script json(int status, String body) {
    return call -> call.request.response().setStatusCode(status)
        .putHeader("content-type", "application/json").end(body);
  }

  /** Answers 200 with a small chat completion naming the request's byte count. */
  public static Script ok() {
    return call -> call.request.response().putHeader("content-type", "application/json")
        .end("{\"id\":\"cmpl-1\",\"object\":\"chat.completion\",\"received\":"
            + call.body.length() + "}");
  }

  /** Answers after {@code delayMs} (a long prefill for a non-streaming request). */
  public static Script delayed(long delayMs, String body) {
    return call -> call.vertx.setTimer(delayMs, t -> {
      if (!call.request.response().closed()) {
        call.request.response().putHeader("content-type", "application/json").end(body);
      }
    });
  }

  /**
   * Streams {@code chunks} SSE events {@code intervalMs} apart after the head, then
   * {@code data: [DONE]}; the first event comes after {@code firstDelayMs} (the prefill).
   */
  public static Script sse(int chunks, long firstDelayMs, long intervalMs) {
    return call -> {
      HttpServerResponse r = sseHead(call);
      streamEvents(call, r, 0, chunks, firstDelayMs, intervalMs, () -> r.end("data: [DONE]\n\n"));
    };
  }

  /** Streams {@code chunks} events, then closes the connection without ending the response. */
  public static Script sseThenReset(int chunks, long intervalMs) {
    return call -> {
      HttpServerResponse r = sseHead(call);
      streamEvents(call, r, 0, chunks, intervalMs, intervalMs,
          () -> call.request.connection().close());
    };
  }

  /** Streams {@code chunks} events, then goes silent with the connection open. */
  public static Script sseThenStall(int chunks, long intervalMs) {
    return call -> {
      HttpServerResponse r = sseHead(call);
      streamEvents(call, r, 0, chunks, intervalMs, intervalMs, () -> { });
    };
  }

  /**
   * Streams {@code before} events, pauses {@code pauseMs} (as vLLM does with a request it
   * preempted when its KV cache ran out), then {@code after} more events and {@code [DONE]}.
   */
  public static Script ssePaused(int before, long pauseMs, int after, long intervalMs) {
    return call -> {
      HttpServerResponse r = sseHead(call);
      streamEvents(call, r, 0, before, intervalMs, intervalMs,
          () -> call.vertx.setTimer(pauseMs, t -> {
            if (!r.closed()) {
              r.write("data: {\"resumed\":true}\n\n");
              streamEvents(call, r, 1, after, intervalMs, intervalMs,
                  () -> r.end("data: [DONE]\n\n"));
            }
          }));
    };
  }

  /** Streams {@code chunks} events, the last one cut in the middle, then closes the connection. */
  public static Script ssePartialEventThenReset(int chunks, long intervalMs) {
    return call -> {
      HttpServerResponse r = sseHead(call);
      streamEvents(call, r, 0, chunks, intervalMs, intervalMs, () -> {
        r.write("data: {\"partial\":");
        call.vertx.setTimer(intervalMs, t -> call.request.connection().close());
      });
    };
  }

  /** Sends nothing at all: the request is accepted and left hanging. */
  public static Script stall() {
    return call -> { };
  }

  /** Closes the connection without answering. */
  public static Script closeBeforeHead() {
    return call -> call.request.connection().close();
  }

  /** Sends the SSE head, then nothing. */
  public static Script headThenStall() {
    return call -> sseHead(call).writeHead();
  }

  /** Streams a large body of {@code bytes} bytes in 16 KiB chunks as fast as allowed. */
  public static Script bigBody(int bytes) {
    return call -> {
      HttpServerResponse r = call.request.response().setChunked(true)
          .putHeader("content-type", "application/octet-stream");
      writeBig(r, bytes);
    };
  }

  private static void writeBig(HttpServerResponse r, int remaining) {
    while (remaining > 0 && !r.writeQueueFull() && !r.closed()) {
      int n = Math.min(16 * 1024, remaining);
      r.write(io.vertx.core.buffer.Buffer.buffer(new byte[n]));
      remaining -= n;
    }
    if (r.closed()) {
      return;
    }
    if (remaining == 0) {
      r.end();
      return;
    }
    int left = remaining;
    r.drainHandler(v -> writeBig(r, left));
  }

  private static HttpServerResponse sseHead(Call call) {
    return call.request.response().setChunked(true)
        .putHeader("content-type", "text/event-stream")
        .putHeader("cache-control", "no-cache");
  }

  private static void streamEvents(Call call, HttpServerResponse r, int i, int chunks,
      long delayMs, long intervalMs, Runnable after) {
    if (i == 0) {
      r.writeHead();
    }
    if (i == chunks) {
      if (!r.closed()) {
        after.run();
      }
      return;
    }
    call.vertx.setTimer(Math.max(1, delayMs), t -> {
      if (r.closed()) {
        return;
      }
      r.write("data: {\"i\":" + i + ",\"choices\":[{\"delta\":{\"content\":\" w" + i
          + "\"}}]}\n\n");
      streamEvents(call, r, i + 1, chunks, intervalMs, intervalMs, after);
    });
  }
}
