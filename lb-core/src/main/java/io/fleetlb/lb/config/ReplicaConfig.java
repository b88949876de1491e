package io.fleetlb.lb.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.regex.Pattern;

/**
 * One upstream replica ({@code replicas[i]}): a vLLM (or vllm-sim) OpenAI server serving one model.
 *
 * @param id a short name, unique in the file; it appears in {@code x-lb-replica}, logs and metric
 *     labels (never the address), so it may only use letters, digits, {@code . _ -}
 * @param url the replica's base URL, {@code http://host:port} with an optional path prefix
 * @param model the model name clients send in the request body's {@code model} field
 * @param maxInFlight this replica's own in-flight limit, overriding
 *     {@code admission.max_in_flight_per_replica} (e.g. lower for a KV-bound 70B replica)
 */
public record ReplicaConfig(String id, String url, String model, Integer maxInFlight)
    implements Validated {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  /** A replica with the default in-flight limit. */
  public ReplicaConfig(String id, String url, String model) {
    this(id, url, model, null);
  }

  @Override
  public void validate(Validation at) {
    at.check(id != null && ID.matcher(id).matches(), "id", id,
        "must be 1-64 letters, digits, '.', '_' or '-'");
    at.check(model != null && !model.isBlank(), "model", model, "must not be empty");
    at.check(model.length() <= 256, "model", model, "must be at most 256 characters");
    at.check(url != null, "url", url, "is required");
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw at.error("url", url, "is not a valid URL");
    }
    at.check("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()),
        "url", url, "must be an http:// or https:// URL");
    at.check(uri.getHost() != null, "url", url, "must name a host");
    at.check(uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null,
        "url", url, "must not carry a query, fragment or user info");
    at.check(maxInFlight == null || (maxInFlight >= 1 && maxInFlight <= 1_000_000),
        "max_in_flight", maxInFlight, "must be between 1 and 1000000");
  }

  /** The parsed URL (valid once {@link #validate} passed). */
  public URI uri() {
    return URI.create(url);
  }
}
