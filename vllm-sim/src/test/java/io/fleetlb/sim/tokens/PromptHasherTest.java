package io.fleetlb.sim.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token ids keep the documented counts and make equal text prefixes equal block prefixes. */
class PromptHasherTest {

  private static final long SEED = TokenIds.modelSeed("m");

  private static PromptBlocks chat(String system, String user) {
    return new PromptHasher(SEED, 16)
        .add(TokenIds.BOS)
        .addMessage("system", system)
        .addMessage("user", user)
        .addGenerationPrompt()
        .build();
  }

  @Test
  void countsAreTheTokenizersForTextAndChat() {
    String text = "a sentence with a supercalifragilisticexpialidocious word\tand  tabs";
    PromptBlocks p = new PromptHasher(SEED, 16).add(TokenIds.BOS).addText(text).build();
    assertThat(p.tokens()).isEqualTo(Tokenizer.completionPrompt(text));
    assertThat(chat("be brief", "hello there").tokens())
        .isEqualTo(Tokenizer.chatPrompt(List.of("be brief", "hello there")));
  }

  @Test
  void aSharedSystemPromptGivesSharedLeadingBlocksAndADifferentQuestionDiverges() {
    String system = "you are a helpful assistant for the fleet router team ".repeat(20);
    PromptBlocks a = chat(system, "what is the queue length ".repeat(10));
    PromptBlocks b = chat(system, "why is the cache cold now ".repeat(10));
    int shared = (1 + 4 + Tokenizer.count(system)) / 16; // BOS, header, system text
    assertThat(Arrays.copyOf(a.fullBlockHashes(), shared))
        .isEqualTo(Arrays.copyOf(b.fullBlockHashes(), shared));
    assertThat(a.fullBlockHashes()[a.fullBlockHashes().length - 1])
        .isNotEqualTo(b.fullBlockHashes()[b.fullBlockHashes().length - 1]);
    // another model's chain never matches
    PromptBlocks other =
        new PromptHasher(TokenIds.modelSeed("other"), 16)
            .add(TokenIds.BOS)
            .addMessage("system", system)
            .build();
    assertThat(other.fullBlockHashes()[0]).isNotEqualTo(a.fullBlockHashes()[0]);
  }
}
