package io.fleetlb.bench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetlb.bench.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every flag of every command says what it does and what it takes; defaults are shown. */
class HelpTextTest {
  @Test
  void everyOptionHasADescriptionAndANamedValue() {
    CommandLine root = new CommandLine(new Main());
    assertThat(root.getSubcommands())
        .containsKeys("workload", "run", "calibrate", "mock-server", "verify", "report");
    root.getSubcommands()
        .forEach(
            (name, sub) -> {
              for (CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                String what = name + " " + o.longestName();
                assertThat(String.join(" ", o.description())).as(what).isNotBlank();
                if (o.arity().max() > 0) {
                  assertThat(o.paramLabel()).as(what).doesNotStartWith("<");
                }
              }
              for (CommandLine.Model.PositionalParamSpec p :
                  sub.getCommandSpec().positionalParameters()) {
                assertThat(String.join(" ", p.description()))
                    .as(name + " " + p.paramLabel())
                    .isNotBlank();
              }
            });
  }

  @Test
  void defaultsAreShownAndEmptyListsAreNot() {
    StringWriter out = new StringWriter();
    new CommandLine(new Main()).getSubcommands().get("run").usage(new PrintWriter(out));
    assertThat(out.toString())
        .contains("Default: 600s", "--base-url", "--result-dir=DIR", "--max-schedule-lag-share=F")
        .doesNotContain("Default: []")
        .doesNotContain("=<");
    StringWriter cal = new StringWriter();
    new CommandLine(new Main()).getSubcommands().get("calibrate").usage(new PrintWriter(cal));
    assertThat(cal.toString())
        .contains(
            "--ttft=DURATION", "Time to first token of the in-process upstream", "Default: 20ms");
  }
}
