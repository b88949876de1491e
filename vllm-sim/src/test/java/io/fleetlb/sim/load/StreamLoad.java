package io.fleetlb.sim.load;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Benchmark load for the simulator's timing fidelity (docs/benchmarks.md, "vllm-sim timing"): keeps
 * {@code streams} streaming chat requests open on every replica of a running fleet for a while,
 * then prints each replica's {@code /sim/timing} (step lateness and token delivery lag).
 *
 * <p>Arguments: {@code host ports(comma) models(comma) streams warmupSeconds measureSeconds}.
 */
public final class StreamLoad {

  private StreamLoad() {}

  public static void main(String[] args) throws Exception {
    String host = args[0];
    List<Integer> ports =
        java.util.Arrays.stream(args[1].split(",")).map(Integer::parseInt).toList();
    List<String> models = List.of(args[2].split(","));
    int streams = Integer.parseInt(args[3]);
    long warmup = Long.parseLong(args[4]);
    long measure = Long.parseLong(args[5]);
    Vertx vertx = Vertx.vertx();
    HttpClient client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true),
            new PoolOptions().setHttp1MaxSize(streams + 8).setMaxWaitQueueSize(-1));
    AtomicLong chunks = new AtomicLong();
    AtomicLong completed = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup + measure);
    for (int i = 0; i < ports.size(); i++) {
      String body =
          new JsonObject()
              .put("model", models.get(i))
              .put(
                  "messages",
                  List.of(new JsonObject().put("role", "user").put("content", "word ".repeat(500))))
              .put("max_tokens", 256)
              .put("ignore_eos", true)
              .put("stream", true)
              .encode();
      for (int s = 0; s < streams; s++) {
        loop(client, host, ports.get(i), body, deadline, chunks, completed, failed);
      }
    }
    Thread.sleep(TimeUnit.SECONDS.toMillis(warmup));
    for (int port : ports) {
      get(client, host, port, "/sim/timing?reset=1");
    }
    long chunksAtStart = chunks.get();
    Thread.sleep(TimeUnit.SECONDS.toMillis(measure));
    long events = chunks.get() - chunksAtStart;
    System.out.printf(
        "streams per replica %d, SSE chunks received during measurement: %d (%.0f/s), "
            + "completed %d, failed %d%n",
        streams, events, events / (double) measure, completed.get(), failed.get());
    for (int i = 0; i < ports.size(); i++) {
      System.out.printf(
          "%s :%d %s%n",
          models.get(i), ports.get(i), get(client, host, ports.get(i), "/sim/timing"));
    }
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private static void loop(
      HttpClient client,
      String host,
      int port,
      String body,
      long deadline,
      AtomicLong chunks,
      AtomicLong completed,
      AtomicLong failed) {
    if (System.nanoTime() > deadline) {
      return;
    }
    client
        .request(
            new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setHost(host)
                .setPort(port)
                .setURI("/v1/chat/completions")
                .putHeader("content-type", "application/json"))
        .compose(req -> req.send(Buffer.buffer(body)))
        .compose(
            resp -> {
              resp.handler(b -> chunks.incrementAndGet());
              return resp.end();
            })
        .onComplete(
            ar -> {
              (ar.succeeded() ? completed : failed).incrementAndGet();
              loop(client, host, port, body, deadline, chunks, completed, failed);
            });
  }

  private static String get(HttpClient client, String host, int port, String uri) throws Exception {
    Future<String> f =
        client
            .request(HttpMethod.GET, port, host, uri)
            .compose(req -> req.send().compose(r -> r.body()))
            .map(Buffer::toString);
    return f.await(10, TimeUnit.SECONDS);
  }
}
