package io.fleetlb.sim.tokens;

import java.util.SplittableRandom;

/**
 * Deterministic generated text: one vocabulary word per token, drawn from a seeded random stream.
 *
 * <p>Words are lowercase ASCII of at most 12 letters, so each is exactly one token under {@link
 * Tokenizer} and never needs JSON escaping. Not thread-safe: one instance per request.
 */
public final class TextGenerator {

  private static final String[] VOCABULARY =
      ("the of and to in is that for it as was with be by on not he this are or his from at which"
           + " but have an they you were her she there been one all their we can has more will"
           + " would if no other when so who what about out up into than them only some time could"
           + " these two may then do first any my now such like our over man me even most made"
           + " after also did many before must through back years where much your way well down"
           + " should because each just those people how too little state good very make world"
           + " still own see men work long get here between both life being under never day same"
           + " another know while last might us great old year off come since against go came right"
           + " used take three states himself few house use during without again place american"
           + " around however home small found thought went say part once general high upon school"
           + " every does got united left number course war until always away something fact though"
           + " water less public put think almost hand enough far took head yet government system"
           + " better set told nothing night end why called didnt eyes find going look asked later"
           + " knew point next program city business give group toward young days let room"
           + " president side social given present several order national possible rather second"
           + " face per among form important often things looked early white case john become large"
           + " big need four within felt along children saw best church ever least power"
           + " development light thing seemed family interest want members mind country area others"
           + " done turned although open god service certain kind problem began different door thus"
           + " help sense means whole matter perhaps itself york times law human line above name"
           + " example action company hands local show whether five history gave today either act"
           + " feet across taken past quite anything seen having death experience body word half"
           + " really field am car words already themselves information tell together college shall"
           + " money period held keep sure probably free seems political real behind cannot miss"
           + " question air office making brought whose special major heard problems federal became"
           + " study ago moment available known result street economic boy position reason change"
           + " south board individual job society areas west close turn love community true court"
           + " force full model token stream engine batch cache router replica latency signal"
           + " queue")
          .split(" ");

  private static final byte[][] FIRST = encode(VOCABULARY, "");
  private static final byte[][] LATER = encode(VOCABULARY, " ");
  private static final long[] IDS = ids(VOCABULARY);

  private final SplittableRandom random;
  private int emitted;

  /**
   * A generator for one request, seeded by the request's {@code seed} or by the replica's stream.
   */
  public TextGenerator(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The text of the next generated token: the first has no leading space, later ones do. */
  public String next() {
    String word = VOCABULARY[random.nextInt(VOCABULARY.length)];
    return emitted++ == 0 ? word : " " + word;
  }

  /**
   * The same token as {@link #next()} would give, as shared, pre-encoded UTF-8 bytes (never modify
   * them).
   */
  public byte[] nextBytes() {
    int i = random.nextInt(VOCABULARY.length);
    return emitted++ == 0 ? FIRST[i] : LATER[i];
  }

  /**
   * The token id of the token {@link #next()} would give (the engine's view of the same text, for
   * the prefix cache): a generator seeded alike and drawn alike yields the same words.
   */
  public long nextId() {
    emitted++;
    return IDS[random.nextInt(VOCABULARY.length)];
  }

  private static long[] ids(String[] words) {
    long[] out = new long[words.length];
    for (int i = 0; i < words.length; i++) {
      out[i] = TokenIds.word(words[i]);
    }
    return out;
  }

  private static byte[][] encode(String[] words, String prefix) {
    byte[][] out = new byte[words.length][];
    for (int i = 0; i < words.length; i++) {
      out[i] = (prefix + words[i]).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
    return out;
  }

  /** Size of the vocabulary (for tests). */
  static int vocabularySize() {
    return VOCABULARY.length;
  }

  /** The longest vocabulary word, in characters (for tests). */
  static int longestWord() {
    int max = 0;
    for (String w : VOCABULARY) {
      max = Math.max(max, w.length());
    }
    return max;
  }
}
