package io.fleetlb.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Checks before a run that the target is an OpenAI-compatible server serving the workload's models:
 * {@code GET /v1/models} must answer 200 with {@code {"object":"list","data":[{"id":..}]}}. Only an
 * unreachable server is retried (until the timeout); a wrong answer fails at once. The failure
 * message is the one line the user sees.
 */
public final class ReadinessProbe {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Why the target cannot be benchmarked. */
  public static final class NotReady extends Exception {
    private static final long serialVersionUID = 1L;

    NotReady(String message) {
      super(message);
    }
  }

  private ReadinessProbe() {}

  /** Returns the served model ids, or throws {@link NotReady} with a one-line reason. */
  public static List<String> check(
      io.vertx.core.Context context,
      HttpClient client,
      String host,
      int port,
      boolean ssl,
      Map<String, String> headers,
      Collection<String> requiredModels,
      long timeoutNs)
      throws NotReady, InterruptedException {
    String base = (ssl ? "https://" : "http://") + host + ":" + port;
    long deadline = System.nanoTime() + timeoutNs;
    while (true) {
      RequestOptions ro =
          new RequestOptions()
              .setMethod(HttpMethod.GET)
              .setHost(host)
              .setPort(port)
              .setSsl(ssl)
              .setURI("/v1/models")
              .setIdleTimeout(10_000)
              .setConnectTimeout(5_000);
      headers.forEach(ro::putHeader);
      int[] status = new int[1];
      byte[] body;
      try {
        body =
            OnLoop.call(
                    context,
                    () ->
                        client
                            .request(ro)
                            .compose(r -> r.send())
                            .compose(
                                resp -> {
                                  status[0] = resp.statusCode();
                                  return resp.body();
                                }))
                .toCompletionStage()
                .toCompletableFuture()
                .get(15, TimeUnit.SECONDS)
                .getBytes();
      } catch (ExecutionException | TimeoutException e) {
        String why =
            e instanceof TimeoutException
                ? "no answer within 15 s"
                : TransportErrors.describe(e.getCause() == null ? e : e.getCause(), host, port);
        if (System.nanoTime() < deadline) {
          Thread.sleep(250); // a retry loop waiting for a server to start, not a test
          continue;
        }
        throw new NotReady("cannot reach " + base + ": " + why);
      }
      return validate(base, status[0], body, requiredModels);
    }
  }

  static List<String> validate(
      String base, int status, byte[] body, Collection<String> requiredModels) throws NotReady {
    if (status != 200) {
      throw new NotReady(
          base
              + " is not an OpenAI-compatible server: GET /v1/models answered HTTP "
              + status
              + (status == 401
                  ? " (add the API key with --header 'Authorization=Bearer KEY')"
                  : ""));
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(body);
    } catch (java.io.IOException e) {
      n = null;
    }
    if (n == null || !n.path("data").isArray()) {
      throw new NotReady(
          base
              + " is not an OpenAI-compatible server: GET /v1/models did not return a model list "
              + "({\"object\":\"list\",\"data\":[{\"id\":...}]})");
    }
    List<String> served = new ArrayList<>();
    n.path("data").forEach(m -> served.add(m.path("id").asText()));
    List<String> missing =
        requiredModels.stream().filter(m -> !served.contains(m)).distinct().toList();
    if (!missing.isEmpty()) {
      throw new NotReady(
          base
              + " does not serve "
              + (missing.size() == 1 ? "model " : "models ")
              + String.join(", ", missing)
              + " (it serves: "
              + (served.isEmpty() ? "nothing" : String.join(", ", served))
              + ")");
    }
    return served;
  }
}
