package io.fleetlb.bench.workload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/** Splits a stream into lines of raw bytes, each including its '\n' (the last may lack one). */
final class ByteLines {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int lim;

  ByteLines(InputStream in) {
    this.in = in;
  }

  byte[] next() throws IOException {
    ByteArrayOutputStream acc = null;
    while (true) {
      if (pos == lim) {
        lim = in.read(buf);
        pos = 0;
        if (lim <= 0) {
          lim = 0;
          return acc == null || acc.size() == 0 ? null : acc.toByteArray();
        }
      }
      int nl = -1;
      for (int i = pos; i < lim; i++) {
        if (buf[i] == '\n') {
          nl = i;
          break;
        }
      }
      int end = nl < 0 ? lim : nl + 1;
      if (acc == null && nl >= 0) {
        byte[] line = Arrays.copyOfRange(buf, pos, end);
        pos = end;
        return line;
      }
      if (acc == null) {
        acc = new ByteArrayOutputStream(Math.max(256, (end - pos) * 2));
      }
      acc.write(buf, pos, end - pos);
      pos = end;
      if (nl >= 0) {
        return acc.toByteArray();
      }
    }
  }
}
