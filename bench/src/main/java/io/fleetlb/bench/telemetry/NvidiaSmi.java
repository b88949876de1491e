package io.fleetlb.bench.telemetry;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Local GPUs through {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits}: one reading
 * per GPU (utilization %, power W, memory, temperature). Runs the command on the sampler's own
 * thread, never on an event loop.
 */
public final class NvidiaSmi {
  static final String QUERY =
      "index,uuid,name,utilization.gpu,power.draw,memory.used,memory.total,temperature.gpu";
  private final String command;

  public NvidiaSmi(String command) {
    this.command = command;
  }

  public List<ObjectNode> read() throws IOException {
    Process p =
        new ProcessBuilder(command, "--query-gpu=" + QUERY, "--format=csv,noheader,nounits")
            .redirectErrorStream(true)
            .start();
    String out;
    try {
      out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(command + " did not finish within 5 s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
    if (p.exitValue() != 0) {
      throw new IOException(command + " exited with " + p.exitValue() + ": " + out.strip());
    }
    return parse(out);
  }

  static List<ObjectNode> parse(String csv) throws IOException {
    List<ObjectNode> gpus = new ArrayList<>();
    for (String line : csv.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String[] c = line.split(",\\s*");
      if (c.length < 8) {
        throw new IOException("unexpected nvidia-smi line: " + line);
      }
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      o.put("gpu", c[0].trim());
      o.put("uuid", c[1].trim());
      o.put("model_name", c[2].trim());
      num(o, "util_pct", c[3]);
      num(o, "power_w", c[4]);
      num(o, "fb_used_mib", c[5]);
      num(o, "fb_total_mib", c[6]);
      num(o, "temp_c", c[7]);
      gpus.add(o);
    }
    return gpus;
  }

  private static void num(ObjectNode o, String key, String v) {
    try {
      o.put(key, Double.parseDouble(v.trim()));
    } catch (NumberFormatException notAvailable) {
      // "[N/A]" or "[Not Supported]": leave the field out
    }
  }
}
