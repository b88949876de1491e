package io.fleetlb.sim.tokens;

import java.util.Arrays;

/**
 * Turns a prompt into {@link PromptBlocks} as its tokens are produced, without keeping the ids of
 * full blocks: the tokenizer rule of {@link Tokenizer} (whitespace-separated words, 16 code points
 * per piece) plus the chat template's tokens, so counts match {@link Tokenizer} exactly and equal
 * text prefixes give equal token prefixes. Not thread-safe; one per prompt.
 */
public final class PromptHasher {

  private final int blockSize;
  private final long seed;
  private final long[] block;
  private int inBlock;
  private long parent;
  private long[] hashes = new long[16];
  private int blocks;
  private long tokens;

  /** A hasher for prompts of the model whose chain starts at {@code seed}. */
  public PromptHasher(long seed, int blockSize) {
    this.seed = seed;
    this.parent = seed;
    this.blockSize = blockSize;
    this.block = new long[blockSize];
  }

  /** Appends one token. */
  public PromptHasher add(long id) {
    block[inBlock++] = id;
    tokens++;
    if (inBlock == blockSize) {
      parent = TokenIds.block(parent, block, 0, blockSize);
      if (blocks == hashes.length) {
        hashes = Arrays.copyOf(hashes, blocks * 2);
      }
      hashes[blocks++] = parent;
      inBlock = 0;
    }
    return this;
  }

  /** Appends the tokens of a piece of text: one per started 16-code-point piece of each word. */
  public PromptHasher addText(CharSequence text) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = Character.codePointAt(text, i);
      if (isSpace(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      int codePoints = 0;
      while (i < n) {
        cp = Character.codePointAt(text, i);
        if (isSpace(cp)) {
          break;
        }
        if (codePoints == Tokenizer.WORD_PIECE) {
          add(TokenIds.piece(text, start, i));
          start = i;
          codePoints = 0;
        }
        i += Character.charCount(cp);
        codePoints++;
      }
      add(TokenIds.piece(text, start, i));
    }
    return this;
  }

  /** Appends one chat message as the template renders it: header, content, end of turn. */
  public PromptHasher addMessage(String role, CharSequence content) {
    add(TokenIds.START_HEADER).add(TokenIds.word(role)).add(TokenIds.END_HEADER);
    add(TokenIds.HEADER_NEWLINES).addText(content);
    return add(TokenIds.EOT);
  }

  /** Appends the generation prompt that ends a chat conversation (the assistant's header). */
  public PromptHasher addGenerationPrompt() {
    add(TokenIds.START_HEADER).add(TokenIds.word("assistant")).add(TokenIds.END_HEADER);
    return add(TokenIds.HEADER_NEWLINES);
  }

  /** Tokens appended so far. */
  public long tokens() {
    return tokens;
  }

  /** The blocks so far. */
  public PromptBlocks build() {
    if (tokens > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("prompt of " + tokens + " tokens is too long");
    }
    return new PromptBlocks(
        (int) tokens,
        blockSize,
        Arrays.copyOf(hashes, blocks),
        Arrays.copyOf(block, inBlock),
        seed);
  }

  private static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp);
  }
}
