package io.fleetlb.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every flag of the simulator says what it does, what it takes and its default. */
class MainHelpTest {
  @Test
  void everyOptionHasADescriptionANamedValueAndItsDefault() {
    CommandLine cli = new CommandLine(new Main());
    for (CommandLine.Model.OptionSpec o : cli.getCommandSpec().options()) {
      assertThat(String.join(" ", o.description())).as(o.longestName()).isNotBlank();
      if (o.arity().max() > 0) {
        assertThat(o.paramLabel()).as(o.longestName()).doesNotStartWith("<");
      }
    }
    StringWriter help = new StringWriter();
    cli.usage(new PrintWriter(help));
    assertThat(help.toString()).contains("--time-scale=X", "Default: 1.0", "--keep-alive-timeout=DURATION",
        "Default: 5s", "--[no-]enable-prefix-caching", "on with --metrics-version v1",
        "--enable-prompt-tokens-details").doesNotContain("=<");
  }
}
