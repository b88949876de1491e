package io.fleetlb.lb.proxy;

import io.fleetlb.lb.policy.RequestInfo;
import io.vertx.core.buffer.Buffer;

/**
 * The router's own reading of a request body for the virtual-time evaluation: lb-core's
 * {@link ModelExtractor} (package-private, hence this class in its package on the test class
 * path), so a virtual run hands the policy exactly the {@link RequestInfo} the real router would.
 */
public final class RouterRequests {
  private RouterRequests() {}

  /**
   * The request's size estimate and, with {@code promptText}, its canonical prompt text, as the
   * router derives them from the body; fails on a body the router would refuse.
   */
  public static RequestInfo info(byte[] body, boolean promptText) {
    ModelExtractor.Result r = ModelExtractor.extract(Buffer.buffer(body), promptText);
    if (r.problem() != null) {
      throw new IllegalArgumentException("the router refuses this body: " + r.message());
    }
    return r.info();
  }
}
