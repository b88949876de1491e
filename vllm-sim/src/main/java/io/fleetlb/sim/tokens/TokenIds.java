package io.fleetlb.sim.tokens;

/**
 * Token ids under the simulator's tokenizer rule, and the chained block hash built on them.
 *
 * <p>A word piece's id is a 64-bit hash of its characters, so equal text gives equal ids on every
 * replica and in every process; special tokens of the chat template have fixed ids of their own.
 */
public final class TokenIds {

  /** Begin of text. */
  public static final long BOS = special(1);

  /** Start of a message header. */
  public static final long START_HEADER = special(2);

  /** End of a message header. */
  public static final long END_HEADER = special(3);

  /** The blank line after a header. */
  public static final long HEADER_NEWLINES = special(4);

  /** End of turn; also the EOS a chat answer stops with. */
  public static final long EOT = special(5);

  private TokenIds() {}

  private static long special(int n) {
    return mix(0x5EC1A1L * 31 + n);
  }

  /** Id of one word piece (up to {@link Tokenizer#WORD_PIECE} code points of a word). */
  public static long piece(CharSequence text, int from, int to) {
    long h = 0xcbf29ce484222325L;
    for (int i = from; i < to; i++) {
      h = (h ^ text.charAt(i)) * 0x100000001b3L;
    }
    return mix(h);
  }

  /** Id of a whole short word (the generated vocabulary, chat roles). */
  public static long word(String w) {
    return piece(w, 0, w.length());
  }

  /** The seed a served model's block-hash chain starts from. */
  public static long modelSeed(String model) {
    return mix(word(model) ^ 0x6D6F64656CL);
  }

  /** Hash of a full block: its token ids chained onto the previous block's hash. */
  public static long block(long parent, long[] ids, int from, int count) {
    long h = mix(parent ^ 0x9E3779B97F4A7C15L);
    for (int i = from; i < from + count; i++) {
      h = mix(h * 31 + ids[i]);
    }
    return h;
  }

  /** Murmur3's 64-bit finaliser: a cheap, well-spread mix. */
  static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
