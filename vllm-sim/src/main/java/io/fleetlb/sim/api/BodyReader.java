package io.fleetlb.sim.api;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * Reads a request body up to a size limit, failing (and not buffering further) as soon as it is
 * exceeded.
 */
final class BodyReader {

  private BodyReader() {}

  static Future<Buffer> read(HttpServerRequest req, int limit) {
    Promise<Buffer> promise = Promise.promise();
    String declared = req.getHeader("content-length");
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          return Future.failedFuture("request body exceeds " + limit + " bytes");
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture("invalid content-length");
      }
    }
    Buffer body = Buffer.buffer();
    req.handler(
        chunk -> {
          if (promise.future().isComplete()) {
            return;
          }
          if (body.length() + chunk.length() > limit) {
            promise.tryFail("request body exceeds " + limit + " bytes");
            return;
          }
          body.appendBuffer(chunk);
        });
    req.endHandler(v -> promise.tryComplete(body));
    req.exceptionHandler(promise::tryFail);
    return promise.future();
  }
}
