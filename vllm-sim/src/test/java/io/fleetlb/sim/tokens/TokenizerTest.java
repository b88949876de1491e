package io.fleetlb.sim.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  @Test
  void wordsUpToSixteenCharactersAreOneToken() {
    assertThat(Tokenizer.count("")).isZero();
    assertThat(Tokenizer.count("   \n\t ")).isZero();
    assertThat(Tokenizer.count("hello")).isEqualTo(1);
    assertThat(Tokenizer.count("hello  world\nagain\t!")).isEqualTo(4);
    assertThat(Tokenizer.count("a".repeat(16))).isEqualTo(1);
    assertThat(Tokenizer.count("a".repeat(17))).isEqualTo(2);
    assertThat(Tokenizer.count("a".repeat(1_048_576))).isEqualTo(65_536);
    assertThat(Tokenizer.count("héllo wörld 日本語")).isEqualTo(3);
    assertThat(Tokenizer.count("😀".repeat(16))).isEqualTo(1); // code points, not UTF-16 units
  }

  @Test
  void chatAndCompletionTemplates() {
    assertThat(Tokenizer.chatPrompt(List.of("one two three"))).isEqualTo(3 + 10);
    assertThat(Tokenizer.chatPrompt(List.of("system words", "user"))).isEqualTo(5 + 7 + 6);
    assertThat(Tokenizer.chatPrompt(List.of())).isEqualTo(5);
    assertThat(Tokenizer.completionPrompt("a b c")).isEqualTo(4);
  }

  @Test
  void generatedTokensAreSingleTokenWordsAndDeterministic() {
    assertThat(TextGenerator.longestWord()).isLessThanOrEqualTo(16);
    TextGenerator a = new TextGenerator(5);
    TextGenerator b = new TextGenerator(5);
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      String t = a.next();
      assertThat(b.next()).isEqualTo(t);
      assertThat(t).matches(i == 0 ? "[a-z]+" : " [a-z]+");
      text.append(t);
    }
    assertThat(Tokenizer.count(text)).isEqualTo(500);
  }

  @Test
  void outputLengthsAreHeavyTailedAroundTheMedianAndHonourMinTokens() {
    SplittableRandom r = new SplittableRandom(1);
    int[] draws = new int[20_000];
    for (int i = 0; i < draws.length; i++) {
      draws[i] = OutputLength.sample(r, 180, 0.8, 0);
    }
    java.util.Arrays.sort(draws);
    assertThat(draws[draws.length / 2]).isBetween(170, 190);
    assertThat(draws[(int) (draws.length * 0.99)])
        .isGreaterThan(900); // exp(2.33 * 0.8) * 180 = 1160
    assertThat(draws[0]).isGreaterThanOrEqualTo(1);
    assertThat(OutputLength.sample(new SplittableRandom(2), 1, 0.1, 50)).isGreaterThanOrEqualTo(51);
  }
}
