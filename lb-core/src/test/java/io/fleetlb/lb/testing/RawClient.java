package io.fleetlb.lb.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A raw HTTP/1.1 client on a plain socket, for what well-behaved clients never do: disconnect
 * mid-request, send partial heads, stop reading, or send oversized heads.
 */
public final class RawClient implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.out = socket.getOutputStream();
    this.in = socket.getInputStream();
  }

  /** Connects to 127.0.0.1:port. */
  public static RawClient connect(int port) {
    try {
      Socket s = new Socket("127.0.0.1", port);
      s.setSoTimeout(10_000);
      s.setTcpNoDelay(true);
      return new RawClient(s);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The head of a POST with a JSON body of {@code length} bytes (Content-Length). */
  public static String postHead(String path, int length, String... extraHeaders) {
    StringBuilder b = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: router\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + length + "\r\n");
    for (String h : extraHeaders) {
      b.append(h).append("\r\n");
    }
    return b.append("\r\n").toString();
  }

  /** Writes raw bytes. */
  public RawClient send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes raw bytes. */
  public RawClient send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a whole POST request with a JSON body. */
  public RawClient post(String path, String json, String... extraHeaders) {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    send(postHead(path, body.length, extraHeaders));
    return send(body);
  }

  /** Reads until the received text contains {@code marker}; returns everything received so far. */
  public String readUntil(String marker, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[8192];
    try {
      while (!received.toString(StandardCharsets.UTF_8).contains(marker)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("timed out waiting for " + marker + "; got: " + text());
        }
        int n = in.read(buf);
        if (n < 0) {
          throw new AssertionError("connection closed before " + marker + "; got: " + text());
        }
        received.write(buf, 0, n);
      }
      return text();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Reads until the peer closes or resets the connection; returns true if it did within the
   * timeout.
   */
  public boolean awaitClosed(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    byte[] buf = new byte[8192];
    try {
      socket.setSoTimeout(200);
      while (System.nanoTime() < deadline) {
        try {
          int n = in.read(buf);
          if (n < 0) {
            return true;
          }
          received.write(buf, 0, n);
        } catch (SocketTimeoutException e) {
          // keep waiting
        }
      }
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  /** The socket's input, for tests that read large bodies themselves. */
  public InputStream input() {
    return in;
  }

  /** The body received so far, with chunked transfer coding removed if the head declared it. */
  public String body() {
    String t = text();
    int start = t.indexOf("\r\n\r\n");
    if (start < 0) {
      return "";
    }
    String head = t.substring(0, start).toLowerCase();
    String rest = t.substring(start + 4);
    if (!head.contains("transfer-encoding: chunked")) {
      return rest;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int eol = rest.indexOf("\r\n", i);
      if (eol < 0) {
        return out.toString();
      }
      int size = Integer.parseInt(rest.substring(i, eol).trim(), 16);
      if (size == 0 || eol + 2 + size > rest.length()) {
        return out.toString();
      }
      out.append(rest, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
  }

  /** Everything received so far, as text. */
  public String text() {
    return received.toString(StandardCharsets.UTF_8);
  }

  /** Closes the socket (FIN); returns the {@link System#nanoTime} of the close. */
  public long closeNow() {
    try {
      long t = System.nanoTime();
      socket.close();
      return t;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
