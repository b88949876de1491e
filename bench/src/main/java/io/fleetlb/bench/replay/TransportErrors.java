package io.fleetlb.bench.replay;

import java.net.ConnectException;
import java.net.UnknownHostException;

/** Turns transport exceptions into one short line a user can act on. */
final class TransportErrors {
  private TransportErrors() {}

  static String describe(Throwable e, String host, int port) {
    Throwable c = e;
    while (c.getCause() != null && c.getCause() != c) {
      if (c instanceof ConnectException || c instanceof UnknownHostException) {
        break;
      }
      c = c.getCause();
    }
    String where = host + ":" + port;
    if (c instanceof ConnectException
        || String.valueOf(c.getMessage()).contains("Connection refused")) {
      return "connection refused by " + where;
    }
    if (c instanceof UnknownHostException) {
      return "unknown host " + host;
    }
    String msg = c.getMessage() == null ? "" : c.getMessage();
    if (c.getClass().getSimpleName().equals("HttpClosedException") || msg.contains("closed")) {
      return "connection closed by " + where;
    }
    if (msg.toLowerCase(java.util.Locale.ROOT).contains("timeout")
        || msg.toLowerCase(java.util.Locale.ROOT).contains("timed out")) {
      return "timed out talking to " + where + " (" + msg + ")";
    }
    return c.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
  }
}
