package io.fleetlb.bench.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fleetlb.prom.MetricsSnapshot;
import io.fleetlb.prom.PrometheusParseException;
import io.fleetlb.prom.PrometheusText;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Samples GPU and engine telemetry on the run's clock: at t0, t0 + interval, ... and once more when
 * stopped, every target is scraped concurrently and each reading is stamped with the time its
 * answer arrived (nanoseconds from t0, the same clock as the request records). Readings go to a
 * JSON-lines file as they come and are kept for the summary. A failed scrape is a sample with
 * {@code ok: false}, never a failed run.
 */
public final class TelemetrySampler implements AutoCloseable {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final List<MetricsTarget> gpuTargets;
  private final List<MetricsTarget> serverTargets;
  private final NvidiaSmi nvidiaSmi;
  private final long intervalNs;
  private final HttpClient client;
  private final io.vertx.core.Context context;
  private final BufferedWriter out;
  private final List<ObjectNode> samples = Collections.synchronizedList(new ArrayList<>());
  private final java.util.Queue<ObjectNode> unwritten =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private volatile boolean running;
  private Thread thread;
  private long t0;

  public TelemetrySampler(
      Vertx vertx,
      List<MetricsTarget> gpuTargets,
      List<MetricsTarget> serverTargets,
      NvidiaSmi nvidiaSmi,
      long intervalNs,
      Path outFile)
      throws IOException {
    if (intervalNs < 10_000_000L) {
      throw new IllegalArgumentException("--telemetry-interval must be at least 10ms");
    }
    this.gpuTargets = List.copyOf(gpuTargets);
    this.serverTargets = List.copyOf(serverTargets);
    this.nvidiaSmi = nvidiaSmi;
    this.intervalNs = intervalNs;
    this.context = vertx.getOrCreateContext();
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout(2_000)
                .setKeepAlive(true)
                .setName("bench-telemetry"),
            new PoolOptions().setHttp1MaxSize(4));
    this.out = outFile == null ? null : Files.newBufferedWriter(outFile, StandardCharsets.UTF_8);
  }

  public boolean hasTargets() {
    return !gpuTargets.isEmpty() || !serverTargets.isEmpty() || nvidiaSmi != null;
  }

  /** Starts sampling on its own thread; the first sample is due at {@code t0Nanos}. */
  public void start(long t0Nanos) {
    this.t0 = t0Nanos;
    running = true;
    thread = new Thread(this::loop, "bench-telemetry");
    thread.setDaemon(true);
    thread.start();
  }

  /** Takes a final sample, stops, closes the file and returns every sample in time order. */
  public List<ObjectNode> stop() throws InterruptedException {
    running = false;
    if (thread != null) {
      thread.interrupt();
      thread.join();
      sampleOnce();
    }
    try {
      flush();
      if (out != null) {
        out.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<ObjectNode> copy = new ArrayList<>(samples);
    copy.sort((a, b) -> Long.compare(a.path("t_ns").asLong(), b.path("t_ns").asLong()));
    return copy;
  }

  private void loop() {
    long k = 0;
    while (running) {
      long due = t0 + k * intervalNs;
      while (running && System.nanoTime() < due) {
        LockSupport.parkNanos(due - System.nanoTime());
      }
      if (!running) {
        return;
      }
      sampleOnce();
      // an overrun skips the missed ticks instead of sampling in a burst
      k = Math.max(k + 1, (System.nanoTime() - t0) / intervalNs + 1);
    }
  }

  /** One scrape's raw answer, stamped when it arrived; parsed later on the sampler thread. */
  private record Answer(long tNs, byte[] body, String error) {}

  private synchronized void sampleOnce() {
    long timeoutMs = Math.max(100, Math.min(5_000, TimeUnit.NANOSECONDS.toMillis(intervalNs)));
    List<MetricsTarget> targets = new ArrayList<>(gpuTargets);
    targets.addAll(serverTargets);
    List<java.util.concurrent.CompletableFuture<Answer>> answers = new ArrayList<>();
    for (MetricsTarget t : targets) {
      answers.add(
          scrape(t, timeoutMs)
              .map(b -> new Answer(now(), b, null))
              .otherwise(
                  e ->
                      new Answer(
                          now(),
                          null,
                          e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()))
              .toCompletionStage()
              .toCompletableFuture());
    }
    if (nvidiaSmi != null) {
      try {
        long now = now();
        for (ObjectNode g : nvidiaSmi.read()) {
          ObjectNode s =
              base("nvidia-smi", "gpu" + g.path("gpu").asText(), null, now).put("ok", true);
          s.setAll(g);
          record(s);
        }
      } catch (IOException e) {
        record(
            base("nvidia-smi", "nvidia-smi", null).put("ok", false).put("error", e.getMessage()));
      }
    }
    // parsing happens here, on the sampler's thread: never on an event loop that issues requests
    for (int i = 0; i < targets.size(); i++) {
      MetricsTarget t = targets.get(i);
      String source = i < gpuTargets.size() ? "gpu" : "server";
      Answer a;
      try {
        a = answers.get(i).get(timeoutMs + 1_000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        a = new Answer(now(), null, "no answer within " + timeoutMs + " ms");
      }
      if (a.error() != null) {
        record(base(source, t.id(), t.url(), a.tNs()).put("ok", false).put("error", a.error()));
        continue;
      }
      MetricsSnapshot m;
      try {
        m = PrometheusText.parseUtf8(a.body());
      } catch (PrometheusParseException e) {
        record(
            base(source, t.id(), t.url(), a.tNs())
                .put("ok", false)
                .put("error", "not Prometheus text: " + e.getMessage()));
        continue;
      }
      if (source.equals("server")) {
        ObjectNode s = base(source, t.id(), t.url(), a.tNs()).put("ok", true);
        s.setAll(Readings.vllm(m));
        record(s);
        continue;
      }
      List<ObjectNode> gpus = Readings.dcgm(m, t.gpu());
      if (gpus.isEmpty()) {
        record(
            base(source, t.id(), t.url(), a.tNs())
                .put("ok", false)
                .put("error", "no DCGM_FI_* series on the page"));
      }
      for (ObjectNode g : gpus) {
        ObjectNode s = base(source, t.id(), t.url(), a.tNs()).put("ok", true);
        s.setAll(g);
        record(s);
      }
    }
    flush();
  }

  private Future<byte[]> scrape(MetricsTarget t, long timeoutMs) {
    RequestOptions ro =
        new RequestOptions()
            .setMethod(HttpMethod.GET)
            .setHost(t.host())
            .setPort(t.port())
            .setSsl(t.ssl())
            .setURI(t.path())
            .setIdleTimeout(timeoutMs)
            .setConnectTimeout(timeoutMs);
    ro.putHeader("accept", "text/plain;version=0.0.4");
    return io.fleetlb.bench.replay.OnLoop.call(
        context,
        () ->
            client
                .request(ro)
                .compose(req -> req.send())
                .compose(
                    resp -> {
                      if (resp.statusCode() != 200) {
                        return resp.body()
                            .compose(b -> Future.<byte[]>failedFuture("HTTP " + resp.statusCode()));
                      }
                      return resp.body().map(b -> b.getBytes());
                    }));
  }

  private long now() {
    return System.nanoTime() - t0;
  }

  private ObjectNode base(String source, String id, String url) {
    return base(source, id, url, now());
  }

  private static ObjectNode base(String source, String id, String url, long tNs) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("t_ns", tNs);
    o.put("t_s", tNs / 1e9);
    o.put("source", source);
    o.put("id", id);
    if (url != null) {
      o.put("url", url);
    }
    return o;
  }

  /**
   * Keeps a sample; callbacks run on event loops, so the file is written later by {@link #flush}.
   */
  private void record(ObjectNode s) {
    samples.add(s);
    unwritten.add(s);
  }

  /** Writes pending samples; runs on the sampler thread only (blocking file I/O). */
  private void flush() {
    if (out == null) {
      unwritten.clear();
      return;
    }
    try {
      for (ObjectNode s = unwritten.poll(); s != null; s = unwritten.poll()) {
        out.write(MAPPER.writeValueAsString(s));
        out.write('\n');
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
