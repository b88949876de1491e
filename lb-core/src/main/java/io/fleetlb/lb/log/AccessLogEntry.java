package io.fleetlb.lb.log;

/**
 * One access-log record: what happened to one client request, without any of its content.
 *
 * @param epochMillis when the request arrived (wall clock)
 * @param requestId the {@code x-request-id} the router used (the client's if it was well formed)
 * @param remote the client's address
 * @param method HTTP method
 * @param path request path without the query string
 * @param protocol HTTP version, e.g. {@code HTTP/1.1}
 * @param status status sent to the client, or 499 when the client went away first
 * @param bytesSent response body bytes relayed to the client
 * @param durationMicros from request arrival to the end of the exchange
 * @param firstByteMicros from request arrival to the first response body byte, -1 if none
 * @param model the requested model ({@code -} when the body was never read or had none)
 * @param replica the id of the replica of the last attempt, {@code -} when none was contacted
 * @param attempts upstream attempts made (more than 1 when retried)
 * @param reason why it ended this way
 * @param key the id of the client's API key, {@code -} without one
 * @param queueMicros time spent in the router's queue, -1 when the request did not queue
 */
public record AccessLogEntry(long epochMillis, String requestId, String remote, String method,
    String path, String protocol, int status, long bytesSent, long durationMicros,
    long firstByteMicros, String model, String replica, int attempts, Reason reason, String key,
    long queueMicros) {}
