package io.fleetlb.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SSE framing edge cases, fed the way a network delivers them. */
class SseParserTest {
  private final List<String> events = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();
  private int comments;
  private final SseParser parser =
      new SseParser(
          new SseParser.Listener() {
            @Override
            public void onEvent(byte[] data, int len, long t) {
              events.add(new String(data, 0, len, StandardCharsets.UTF_8));
              times.add(t);
            }

            @Override
            public void onComment(long t) {
              comments++;
            }
          });

  private void feed(String s, long t) {
    parser.feed(s.getBytes(StandardCharsets.UTF_8), t);
  }

  @Test
  void severalEventsInOneChunk() {
    feed("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n", 7);
    assertThat(events).containsExactly("{\"a\":1}", "{\"b\":2}", "[DONE]");
    assertThat(times).containsOnly(7L);
  }

  @Test
  void oneEventSplitAcrossChunksTakesTheTimeOfTheChunkThatCompletesIt() {
    String s = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";
    for (int i = 0; i < s.length(); i++) {
      feed(s.substring(i, i + 1), i);
    }
    assertThat(events).containsExactly("{\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}");
    assertThat(times).containsExactly((long) s.length() - 1);
  }

  @Test
  void crlfAndLoneCrLineEndingsIncludingACrlfSplitAcrossChunks() {
    feed("data: one\r\n\r\ndata: two\r", 1);
    feed("\n\r", 2); // the LF completes the CRLF; the next CR is the blank line
    feed("data: three\r\r", 3);
    assertThat(events).containsExactly("one", "two", "three");
    assertThat(times).containsExactly(1L, 2L, 3L);
  }

  @Test
  void commentsAndOtherFieldsAreIgnoredAndDataLinesJoin() {
    feed(": keep-alive\n\nevent: message\nid: 7\nretry: 100\ndata: first\ndata:second\n\n", 1);
    assertThat(comments).isEqualTo(1);
    assertThat(events).containsExactly("first\nsecond");
  }

  @Test
  void anUnterminatedEventIsNotDispatched() {
    feed("data: {\"x\":1}\n", 1);
    assertThat(events).isEmpty();
    assertThat(parser.hasPartialEvent()).isTrue();
    feed("\n", 2);
    assertThat(events).hasSize(1);
    assertThat(parser.hasPartialEvent()).isFalse();
  }

  @Test
  void parsesTheRealVllmSampleByteForByte() throws Exception {
    Path sample = Path.of("src/test/resources/vllm-sse-sample.txt");
    byte[] all = Files.readAllBytes(sample);
    // in three uneven chunks
    parser.feed(all, 0, 100, 1);
    parser.feed(all, 100, 500, 2);
    parser.feed(all, 600, all.length - 600, 3);
    assertThat(events).hasSize(6);
    assertThat(events.get(5)).isEqualTo("[DONE]");
    long tokens =
        events.stream()
            .map(e -> StreamEvent.classify(e.getBytes(StandardCharsets.UTF_8), e.length()))
            .filter(StreamEvent::token)
            .count();
    assertThat(tokens)
        .isEqualTo(4); // role chunk, two content chunks, finish chunk; not the usage chunk
    StreamEvent usage =
        StreamEvent.classify(
            events.get(4).getBytes(StandardCharsets.UTF_8), events.get(4).length());
    assertThat(usage.token()).isFalse();
    assertThat(usage.promptTokens()).isEqualTo(13);
    assertThat(usage.completionTokens()).isEqualTo(3);
  }
}
