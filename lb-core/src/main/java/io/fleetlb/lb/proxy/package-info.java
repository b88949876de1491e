/**
 * The streaming relay: one {@link io.fleetlb.lb.proxy.Exchange} per client request and one
 * {@link io.fleetlb.lb.proxy.Attempt} per upstream try, on Vert.x's {@code HttpServer} and
 * {@code HttpClient}, one instance of each per event loop ({@link io.fleetlb.lb.proxy.ProxyVerticle}).
 *
 * <h2>Why not vertx-http-proxy</h2>
 * {@code io.vertx:vertx-http-proxy} streams bodies well, but what this router must guarantee sits
 * exactly where that library decides for you: it maps every origin failure to a 502 after the
 * fact, has no notion of retrying another origin before the first byte (its request body is a
 * stream consumed by the first try), exposes no first-byte or stream-idle timeouts, gives no hook
 * for "the client went away while the origin is still computing its head" (a long prefill), and
 * owns the response pipe, so an SSE stream that breaks cannot be ended with an error event. Each
 * of those would need an interceptor fighting the library's own error handling. The relay here is
 * the same two-step shape (read the body bounded, pick the origin, pipe the answer) in about as
 * much code as the interceptors would take, with every exit path visible in two classes.
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>The body is read once, bounded by {@code limits.max_body_size}; the original bytes are
 *       what every try sends. The model is found by a streaming JSON parse.</li>
 *   <li>Retries (another replica, within the retry budget) happen only before anything was
 *       relayed and only for failures where the replica did not take the request: connect errors
 *       and timeouts, a connection closed before the response head, a full pool, or a
 *       {@code retry.on_status} answer (discarded).</li>
 *   <li>Client gone (before the head, during a long prefill, or mid-stream) resets the upstream
 *       request at once (for HTTP/1.1 by closing its connection, which vLLM turns into an
 *       abort); it is logged as 499 and never counts against the replica.</li>
 *   <li>After the first byte an upstream failure ends an SSE stream with one
 *       {@code data: {"error":...}} event and no {@code [DONE]}; any other response is cut
 *       (reset) so it cannot be mistaken for a complete one.</li>
 *   <li>SSE is written chunk by chunk as it arrives; a client whose write queue is full pauses the
 *       upstream response. Chunks of a non-SSE answer that arrive in the same event-loop turn
 *       leave in one write (at most 64 KiB held).</li>
 *   <li>Every attempt takes its replica's in-flight slot once and gives it back once (see
 *       {@code Attempt.finish}); every request ends through {@code Exchange.complete} once.</li>
 *   <li>Deadlines (request head, body, first byte, stream idle, client stall) are enforced by one
 *       periodic sweep per event loop instead of a timer per request and phase.</li>
 * </ul>
 */
package io.fleetlb.lb.proxy;
