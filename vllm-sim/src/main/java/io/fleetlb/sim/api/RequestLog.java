package io.fleetlb.sim.api;

import io.vertx.core.json.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What a replica was asked to generate and what it sent back, one JSON line per event
 * ({@code --request-log FILE}), so a router test can tell from the replicas' side which requests
 * reached which replica and produced output there (the chaos soak's duplicate check).
 *
 * <p>Two events per generation request: {@code first_token} when the first output token is
 * written to the connection (so a replica killed mid-stream still leaves a trace), and
 * {@code end} when the request ends. Each carries the replica's id, the request's
 * {@code x-request-id} header (null without one) and wall-clock times in microseconds since the
 * epoch. Lines are written by a background thread and flushed whenever it has nothing left to
 * write; the request path never waits for the disk.
 */
public final class RequestLog implements AutoCloseable {
  /** Logs nothing. */
  public static final RequestLog NONE = new RequestLog();

  private static final String STOP = "";

  private final String replica;
  private final LinkedBlockingQueue<String> lines;
  private final Thread writer;

  private RequestLog() {
    this.replica = null;
    this.lines = null;
    this.writer = null;
  }

  private RequestLog(Path file, String replica) throws IOException {
    this.replica = replica;
    this.lines = new LinkedBlockingQueue<>();
    BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    this.writer = new Thread(() -> drain(out), "vllm-sim-request-log-" + replica);
    writer.setDaemon(true);
    writer.start();
  }

  /** Appends to {@code file} (created if absent) the events of replica {@code replica}. */
  public static RequestLog open(Path file, String replica) {
    try {
      return new RequestLog(file, replica);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open --request-log " + file + ": " + e.getMessage(), e);
    }
  }

  /** Microseconds since the epoch, the log's clock. */
  static long nowMicros() {
    return ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
  }

  /** Starts the trace of a request that arrived now carrying {@code requestId} (may be null). */
  Trace trace(String requestId) {
    return lines == null ? Trace.OFF : new Trace(this, requestId, nowMicros());
  }

  private void add(JsonObject line) {
    lines.add(line.put("replica", replica).encode());
  }

  private void drain(BufferedWriter out) {
    List<String> batch = new ArrayList<>();
    try (out) {
      while (true) {
        batch.clear();
        batch.add(lines.take());
        lines.drainTo(batch);
        for (String line : batch) {
          if (line == STOP) {
            out.flush();
            return;
          }
          out.write(line);
          out.write('\n');
        }
        out.flush();
      }
    } catch (IOException | InterruptedException e) {
      // The log is a diagnostic: losing its tail must not take the replica down.
    }
  }

  /** Writes what is queued and closes the file. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    lines.add(STOP);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One request's events; used on the request's event loop only. */
  static final class Trace {
    static final Trace OFF = new Trace(null, null, 0);

    private final RequestLog log;
    private final String requestId;
    private final long receivedUs;
    private String model;
    private boolean stream;
    private long firstTokenUs = -1;
    private int tokens;
    private boolean ended;

    private Trace(RequestLog log, String requestId, long receivedUs) {
      this.log = log;
      this.requestId = requestId;
      this.receivedUs = receivedUs;
    }

    /** The request's body was valid: what it asked for. */
    void request(GenerationRequest g) {
      model = g.model();
      stream = g.stream();
    }

    /** {@code n} output tokens were written to the connection. */
    void sent(int n) {
      if (log == null || n <= 0) {
        return;
      }
      boolean first = tokens == 0;
      tokens += n;
      if (first) {
        firstTokenUs = nowMicros();
        log.add(event("first_token"));
      }
    }

    /**
     * The request ended: {@code finished} (answered to its end), {@code aborted} (the connection
     * closed first) or {@code error} (an error status, see {@code status}).
     */
    void ended(String outcome, int status, String finishReason) {
      if (log == null || ended) {
        return;
      }
      ended = true;
      log.add(event("end").put("outcome", outcome).put("status", status)
          .put("finish_reason", finishReason).put("end_us", nowMicros()));
    }

    private JsonObject event(String name) {
      return new JsonObject().put("event", name).put("request_id", requestId).put("model", model)
          .put("stream", stream).put("tokens", tokens).put("received_us", receivedUs)
          .put("first_token_us", firstTokenUs < 0 ? null : firstTokenUs);
    }
  }
}
