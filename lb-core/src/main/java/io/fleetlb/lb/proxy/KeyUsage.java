package io.fleetlb.lb.proxy;

import io.fleetlb.lb.auth.ApiKey;
import io.fleetlb.lb.auth.TokenBucket;
import io.fleetlb.lb.policy.RequestInfo;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;

/**
 * One request's use of a client key: the model check, the charge against the key's per-minute
 * limits (one request, and the estimated prompt plus requested output tokens), OpenAI's
 * {@code x-ratelimit-*} headers, and the refund when the router never sent the request to a
 * replica. Confined to the request's event loop (the buckets themselves are thread-safe).
 */
final class KeyUsage {
  /**
   * OpenAI's rate-limit header names of each kind of limit, built once as {@code AsciiString}s
   * (their hash is computed once and they are written as bytes as they are).
   */
  private static final AsciiString[] REQUESTS = names("requests");
  private static final AsciiString[] TOKENS = names("tokens");
  private final ApiKey key;
  private long chargedRequests;
  private long chargedTokens;

  /**
   * Why a request may not go on: an OpenAI-style error.
   *
   * @param retryAfterSeconds the {@code Retry-After} value, null for none
   */
  record Refusal(int status, String type, String code, String message, Long retryAfterSeconds) {}

  KeyUsage(ApiKey key) {
    this.key = key;
  }

  /** The key's id (logs, metrics). */
  String id() {
    return key.id();
  }

  /** Whether the key may use the model. */
  boolean allows(String model) {
    return key.allows(model);
  }

  /** Checks that the key may use the model, then charges its limits; null when admitted. */
  Refusal admit(String model, RequestInfo info, long now) {
    if (!key.allows(model)) {
      return new Refusal(403, "invalid_request_error", "model_not_found",
          "This API key does not have access to the model `" + model + "`.", null);
    }
    TokenBucket requests = key.requests();
    if (requests != null) {
      long wait = requests.tryTake(1, now);
      if (wait != 0) {
        return limited("requests", "requests per minute", requests.capacity(), 1, wait);
      }
      chargedRequests = 1;
    }
    TokenBucket tokens = key.tokens();
    if (tokens != null) {
      long cost = Math.max(1, info.committedTokens());
      long wait = tokens.tryTake(cost, now);
      if (wait != 0) {
        refund(now);
        return limited("tokens", "tokens per minute", tokens.capacity(), cost, wait);
      }
      chargedTokens = cost;
    }
    return null;
  }

  private Refusal limited(String type, String what, long limit, long requested, long waitNanos) {
    if (waitNanos == Long.MAX_VALUE) {
      return new Refusal(429, type, "rate_limit_exceeded", "Request too large for this API key"
          + " on " + what + ": limit " + limit + ", requested " + requested + ". Lower"
          + " max_tokens or shorten the prompt.", null);
    }
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    return new Refusal(429, type, "rate_limit_exceeded", "Rate limit reached for this API key on "
        + what + ": limit " + limit + ", requested " + requested + ". Please try again in "
        + ResetFormat.format(waitNanos) + ".", seconds);
  }

  /** Gives back what this request was charged (it never reached a replica); once. */
  void refund(long now) {
    if (chargedRequests != 0) {
      key.requests().refund(chargedRequests, now);
      chargedRequests = 0;
    }
    if (chargedTokens != 0) {
      key.tokens().refund(chargedTokens, now);
      chargedTokens = 0;
    }
  }

  /** The tokens charged (0 when the key has no token limit or nothing was charged). */
  long chargedTokens() {
    return chargedTokens;
  }

  /** Adds OpenAI's rate-limit headers for each limit the key has. */
  void writeHeaders(MultiMap headers, long now) {
    write(headers, REQUESTS, key.requests(), now);
    write(headers, TOKENS, key.tokens(), now);
  }

  /** The limit, remaining and reset header names of one kind of limit. */
  private static AsciiString[] names(String kind) {
    return new AsciiString[] {AsciiString.cached("x-ratelimit-limit-" + kind),
        AsciiString.cached("x-ratelimit-remaining-" + kind),
        AsciiString.cached("x-ratelimit-reset-" + kind)};
  }

  private static void write(MultiMap headers, AsciiString[] names, TokenBucket b, long now) {
    if (b == null) {
      return;
    }
    headers.set(names[0], Long.toString(b.capacity()));
    headers.set(names[1], Long.toString(b.remaining(now)));
    headers.set(names[2], ResetFormat.format(b.untilFull(now)));
  }
}
