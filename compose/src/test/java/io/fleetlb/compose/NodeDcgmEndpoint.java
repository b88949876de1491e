package io.fleetlb.compose;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Stands in for dcgm-exporter on a six-GPU node: one /metrics page holding the GPU series of all
 * simulated replicas (each reports its own GPU index in the {@code gpu} label, as dcgm-exporter
 * does per device), families merged so HELP and TYPE appear once.
 */
final class NodeDcgmEndpoint implements AutoCloseable {
  private final HttpServer server;

  NodeDcgmEndpoint(List<Callable<String>> perGpuPages) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/metrics", exchange -> {
      byte[] body;
      int status = 200;
      try {
        List<String> pages = new ArrayList<>();
        for (Callable<String> page : perGpuPages) {
          pages.add(page.call());
        }
        body = merge(pages).getBytes(StandardCharsets.UTF_8);
      } catch (Exception e) {
        status = 500;
        body = e.toString().getBytes(StandardCharsets.UTF_8);
      }
      exchange.getResponseHeaders().add("content-type", "text/plain; version=0.0.4; charset=utf-8");
      exchange.sendResponseHeaders(status, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
  }

  int port() {
    return server.getAddress().getPort();
  }

  /** Concatenates expositions family by family. */
  static String merge(List<String> pages) {
    Map<String, StringBuilder> headers = new LinkedHashMap<>();
    Map<String, StringBuilder> samples = new LinkedHashMap<>();
    for (String page : pages) {
      String family = "";
      for (String line : page.split("\n")) {
        if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
          family = line.substring(7).split(" ")[0];
          StringBuilder h = headers.computeIfAbsent(family, k -> new StringBuilder());
          if (h.indexOf(line) < 0) {
            h.append(line).append('\n');
          }
        } else if (!line.isBlank() && !line.startsWith("#")) {
          samples.computeIfAbsent(family, k -> new StringBuilder()).append(line).append('\n');
        }
      }
    }
    StringBuilder out = new StringBuilder();
    headers.forEach((family, h) -> out.append(h).append(samples.getOrDefault(family, new StringBuilder())));
    return out.toString();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
