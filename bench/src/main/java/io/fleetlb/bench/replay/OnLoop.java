package io.fleetlb.bench.replay;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Starts an asynchronous HTTP exchange on a Vert.x event loop rather than on the calling thread. A
 * chain such as {@code request().compose(send).compose(resp -> resp.body())} begun from a plain
 * thread can, rarely, attach its body handler after the response already ended on a reused
 * keep-alive connection and then never complete (seen about once in a thousand calls); begun on the
 * loop, every step runs on the I/O thread in order.
 */
public final class OnLoop {
  private OnLoop() {}

  public static <T> Future<T> call(Context context, Supplier<Future<T>> exchange) {
    Promise<T> p = Promise.promise();
    context.runOnContext(
        v -> {
          try {
            exchange.get().onComplete(p);
          } catch (RuntimeException e) {
            p.fail(e);
          }
        });
    return p.future();
  }
}
