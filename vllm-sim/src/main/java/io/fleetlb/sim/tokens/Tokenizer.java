package io.fleetlb.sim.tokens;

import java.util.List;

/**
 * The simulator's documented tokenizer rule (docs/vllm-sim.md), chosen so a client can build a
 * prompt of an exact token count without a model tokenizer.
 *
 * <p>Text is split on whitespace; each word counts {@code ceil(codePoints / 16)} tokens, so any
 * word of 1 to 16 characters is exactly one token. Chat requests add a Llama-3-style template
 * overhead of five tokens per message plus five for the conversation; completions add a BOS token.
 */
public final class Tokenizer {

  /** Characters per token for long words. */
  public static final int WORD_PIECE = 16;

  /**
   * Template tokens added per chat message (header start, role, header end, newlines, end of turn).
   */
  public static final int CHAT_PER_MESSAGE = 5;

  /**
   * Template tokens added per chat conversation (begin of text and the assistant generation
   * prompt).
   */
  public static final int CHAT_PER_CONVERSATION = 5;

  private Tokenizer() {}

  /** Tokens in a piece of text. */
  public static int count(CharSequence text) {
    long tokens = 0;
    int wordLength = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int cp = Character.codePointAt(text, i);
      i += Character.charCount(cp);
      if (Character.isWhitespace(cp) || Character.isSpaceChar(cp)) {
        tokens += pieces(wordLength);
        wordLength = 0;
      } else {
        wordLength++;
      }
    }
    tokens += pieces(wordLength);
    return (int) Math.min(Integer.MAX_VALUE, tokens);
  }

  private static int pieces(int wordLength) {
    return (wordLength + WORD_PIECE - 1) / WORD_PIECE;
  }

  /** Prompt tokens of a chat request whose messages have these contents. */
  public static int chatPrompt(List<String> contents) {
    long total = CHAT_PER_CONVERSATION;
    for (String c : contents) {
      total += CHAT_PER_MESSAGE + count(c);
    }
    return (int) Math.min(Integer.MAX_VALUE, total);
  }

  /** Prompt tokens of a completions request with this prompt (BOS included). */
  public static int completionPrompt(String prompt) {
    return (int) Math.min(Integer.MAX_VALUE, 1L + count(prompt));
  }
}
