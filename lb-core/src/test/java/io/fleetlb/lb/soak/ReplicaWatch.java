package io.fleetlb.lb.soak;

import io.fleetlb.lb.soak.SoakTopology.RouterSpec;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Watches each router's view of the replicas (admin {@code GET /replicas}) every 200 ms and
 * records when a replica stopped or started being available to that router: the soak's time to
 * eject and time to re-admit. Its own HTTP client on the driver's Vert.x.
 */
final class ReplicaWatch {
  static final long PERIOD_MILLIS = 200;

  /** A replica became available ({@code available}) or stopped being so, at {@code atUs}. */
  record Transition(String router, String replica, long atUs, boolean available,
      boolean healthy, boolean ejected) {}

  private final Vertx vertx;
  private final List<RouterSpec> routers;
  private final HttpClientAgent client;
  private final Map<String, Boolean> last = new HashMap<>();
  private final List<Transition> transitions = new ArrayList<>();
  private long timer = -1;
  private int failedPolls;

  ReplicaWatch(Vertx vertx, List<RouterSpec> routers) {
    this.vertx = vertx;
    this.routers = routers;
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true)
        .setKeepAliveTimeout(30).setConnectTimeout(1000));
  }

  void start() {
    timer = vertx.setPeriodic(PERIOD_MILLIS, id -> routers.forEach(this::poll));
  }

  private void poll(RouterSpec r) {
    client.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1")
            .setPort(r.adminPort()).setURI("/replicas").setTimeout(2000))
        .compose(req -> req.send().compose(resp -> resp.body()))
        .onSuccess(b -> record(r, b.toJsonObject()))
        .onFailure(t -> failed());
  }

  private synchronized void failed() {
    failedPolls++;
  }

  private synchronized void record(RouterSpec r, JsonObject view) {
    long now = ClientRecord.nowUs();
    for (Object o : view.getJsonArray("replicas")) {
      JsonObject rep = (JsonObject) o;
      String id = rep.getString("id");
      boolean available = rep.getBoolean("available");
      Boolean before = last.put(r.name() + "/" + id, available);
      if (before == null || before != available) {
        transitions.add(new Transition(r.name(), id, now, available, rep.getBoolean("healthy"),
            rep.getBoolean("ejected")));
      }
    }
  }

  /** Stops polling; returns the transitions seen, in time order. */
  synchronized List<Transition> stop() {
    vertx.cancelTimer(timer);
    client.close();
    return List.copyOf(transitions);
  }

  synchronized int failedPolls() {
    return failedPolls;
  }
}
