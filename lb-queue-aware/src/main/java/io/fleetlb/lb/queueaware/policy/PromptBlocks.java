package io.fleetlb.lb.queueaware.policy;

/**
 * Cuts a prompt's canonical text into fixed-size character blocks and hashes each one chained
 * over its predecessors and the model, as vLLM identifies its KV-cache blocks (a block's hash
 * covers the whole prefix up to its end), so a block matches only after the same prefix, on the
 * same model. Only full blocks are hashed: like vLLM, a partial last block is never shared.
 *
 * <p>64-bit, not cryptographic: a collision only misdirects one request's affinity. Two
 * independent multiply-rotate lanes over four characters at a time keep the dependency chain
 * short (a 32,000-character prompt hashes in a few microseconds); no allocation.
 */
final class PromptBlocks {
  private static final long K1 = 0x9E3779B97F4A7C15L;
  private static final long K2 = 0xC2B2AE3D27D4EB4FL;
  private static final long K3 = 0x165667B19E3779F9L;

  private PromptBlocks() {}

  /**
   * Hashes the first {@code blocks} full blocks of {@code text} into {@code out}; never 0 (the
   * index's empty mark).
   */
  static void hash(String model, String text, int blockChars, int blocks, long[] out) {
    long h = fmix(model.hashCode() * K1 + blockChars);
    int from = 0;
    for (int b = 0; b < blocks; b++) {
      h = block(h, text, from, from + blockChars);
      out[b] = h == 0 ? 1 : h;
      from += blockChars;
    }
  }

  /** The hash of {@code text[from, to)} chained on {@code previous}. */
  static long block(long previous, String text, int from, int to) {
    long a = previous ^ K2;
    long b = Long.rotateLeft(previous, 32) ^ K3;
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w1 = text.charAt(i) | (long) text.charAt(i + 1) << 16
          | (long) text.charAt(i + 2) << 32 | (long) text.charAt(i + 3) << 48;
      long w2 = text.charAt(i + 4) | (long) text.charAt(i + 5) << 16
          | (long) text.charAt(i + 6) << 32 | (long) text.charAt(i + 7) << 48;
      a = Long.rotateLeft(a ^ w1 * K1, 31) * K2;
      b = Long.rotateLeft(b ^ w2 * K1, 29) * K3;
    }
    for (; i < to; i++) {
      a = Long.rotateLeft(a ^ text.charAt(i) * K1, 31) * K2;
    }
    return fmix(a ^ Long.rotateLeft(b, 17) ^ (to - from));
  }

  /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
  static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xFF51AFD7ED558CCDL;
    k ^= k >>> 33;
    k *= 0xC4CEB93FE1A85EC3L;
    k ^= k >>> 33;
    return k;
  }
}
