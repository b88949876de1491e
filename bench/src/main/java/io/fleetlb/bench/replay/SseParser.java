package io.fleetlb.bench.replay;

import java.util.Arrays;

/**
 * Incremental Server-Sent Events framing (WHATWG rules) over raw network chunks: lines may end in
 * LF, CR or CRLF (a CRLF split across two chunks is one line end), an event ends at a blank line,
 * several events may share a chunk and one event may span many, {@code :comment} lines and {@code
 * event:}/{@code id:}/{@code retry:} fields are ignored, and the data lines of an event are joined
 * with '\n'. Each dispatched event carries the arrival time of the chunk that completed it. Not
 * thread-safe: one parser per response, fed from its event loop.
 */
public final class SseParser {

  /** Receives complete events. */
  public interface Listener {
    /** One event's data (bytes {@code [0, len)} of a buffer reused after the call). */
    void onEvent(byte[] data, int len, long arrivalNs);

    /** A comment line (keep-alive); default ignores it. */
    default void onComment(long arrivalNs) {}
  }

  private final Listener listener;
  private byte[] line = new byte[256];
  private int lineLen;
  private byte[] data = new byte[256];
  private int dataLen;
  private boolean hasData;
  private boolean lastWasCr;

  public SseParser(Listener listener) {
    this.listener = listener;
  }

  public void feed(byte[] chunk, long arrivalNs) {
    feed(chunk, 0, chunk.length, arrivalNs);
  }

  public void feed(byte[] chunk, int off, int len, long arrivalNs) {
    int end = off + len;
    for (int i = off; i < end; i++) {
      byte b = chunk[i];
      if (lastWasCr) {
        lastWasCr = false;
        if (b == '\n') {
          continue; // second half of a CRLF
        }
      }
      if (b == '\n') {
        endOfLine(arrivalNs);
      } else if (b == '\r') {
        endOfLine(arrivalNs);
        lastWasCr = true;
      } else {
        if (lineLen == line.length) {
          line = Arrays.copyOf(line, line.length * 2);
        }
        line[lineLen++] = b;
      }
    }
  }

  /** True when bytes of an unfinished event remain (a stream that ended mid-event). */
  public boolean hasPartialEvent() {
    return lineLen > 0 || hasData;
  }

  private void endOfLine(long arrivalNs) {
    if (lineLen == 0) {
      if (hasData) {
        listener.onEvent(data, dataLen > 0 ? dataLen - 1 : 0, arrivalNs); // drop the final '\n'
      }
      dataLen = 0;
      hasData = false;
      return;
    }
    if (line[0] == ':') {
      lineLen = 0;
      listener.onComment(arrivalNs);
      return;
    }
    int colon = -1;
    for (int i = 0; i < lineLen; i++) {
      if (line[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameEnd = colon < 0 ? lineLen : colon;
    if (nameEnd == 4 && line[0] == 'd' && line[1] == 'a' && line[2] == 't' && line[3] == 'a') {
      int valueStart = colon < 0 ? lineLen : colon + 1;
      if (valueStart < lineLen && line[valueStart] == ' ') {
        valueStart++;
      }
      appendData(valueStart, lineLen - valueStart);
    }
    lineLen = 0;
  }

  private void appendData(int from, int len) {
    int need = dataLen + len + 1;
    if (need > data.length) {
      data = Arrays.copyOf(data, Math.max(need, data.length * 2));
    }
    System.arraycopy(line, from, data, dataLen, len);
    dataLen += len;
    data[dataLen++] = '\n';
    hasData = true;
  }
}
