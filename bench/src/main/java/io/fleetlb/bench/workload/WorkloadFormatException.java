package io.fleetlb.bench.workload;

import java.io.IOException;

/** A workload file that cannot be used; the message names the file, the line and what is wrong. */
public final class WorkloadFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public WorkloadFormatException(String message) {
    super(message);
  }
}
