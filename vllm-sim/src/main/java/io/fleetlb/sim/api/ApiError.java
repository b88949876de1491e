package io.fleetlb.sim.api;

/**
 * An error answered in vLLM's OpenAI error format.
 *
 * @param status HTTP status
 * @param type vLLM's error type, e.g. {@code BadRequestError}, {@code NotFoundError}
 * @param message the human-readable message
 */
public record ApiError(int status, String type, String message) {

  /**
   * The response body in the given vLLM version's error shape (nested since v0.10.1, flat before).
   */
  public String json(io.fleetlb.sim.engine.MetricsVersion version) {
    String fields =
        "\"message\":"
            + WireFormat.quote(message)
            + ",\"type\":"
            + WireFormat.quote(type)
            + ",\"param\":null,\"code\":"
            + status;
    return version == io.fleetlb.sim.engine.MetricsVersion.V1
        ? "{\"error\":{" + fields + "}}"
        : "{\"object\":\"error\"," + fields + "}";
  }

  static ApiError badRequest(String message) {
    return new ApiError(400, "BadRequestError", message);
  }

  /**
   * A request-validation failure; vLLM V1 reports these with the HTTP reason phrase as the type.
   */
  static ApiError validation(String message) {
    return new ApiError(400, "Bad Request", message);
  }

  /** Thrown by the request parser; carries the error to answer. */
  static final class Failure extends Exception {
    private static final long serialVersionUID = 1L;
    final transient ApiError error;

    Failure(ApiError error) {
      super(error.message(), null, false, false);
      this.error = error;
    }
  }

  Failure asFailure() {
    return new Failure(this);
  }
}
