package io.fleetlb.lb.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback port whose connects time out instead of being refused: a listening socket that never
 * accepts, with its accept queue filled, so the kernel drops further SYNs. This is how a replica
 * behind a dead network path looks to the router.
 */
public final class Blackhole implements AutoCloseable {
  private final ServerSocket server;
  private final List<Socket> fillers = new ArrayList<>();

  private Blackhole() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    for (int i = 0; i < 16; i++) {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()),
            300);
        fillers.add(s);
      } catch (SocketTimeoutException e) {
        s.close();
        return;
      }
    }
    throw new IllegalStateException("could not fill the accept queue of a loopback socket");
  }

  /** Opens a blackhole. */
  public static Blackhole open() {
    try {
      return new Blackhole();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The port whose connects time out. */
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public void close() throws IOException {
    for (Socket s : fillers) {
      s.close();
    }
    server.close();
  }
}
