package io.fleetlb.bench.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * The hint for a {@code vllm bench serve} habit: a dataset or arrival flag given to {@code run}.
 * Here the traffic is frozen in a workload file first, so that both arms of an A/B replay the same
 * bodies at the same offsets.
 */
public final class WorkloadFlagHint {
  private WorkloadFlagHint() {}

  /** The hint when {@code ex} is {@code run} refusing options of {@code workload}, else null. */
  public static String forRun(CommandLine.ParameterException ex) {
    if (!(ex instanceof CommandLine.UnmatchedArgumentException u)
        || ex.getCommandLine() == null
        || !"run".equals(ex.getCommandLine().getCommandName())) {
      return null;
    }
    CommandLine.Model.CommandSpec workload =
        CommandLine.Model.CommandSpec.forAnnotatedObject(new WorkloadCommand());
    List<String> flags = new ArrayList<>();
    List<String> args = u.getUnmatched();
    for (int i = 0; i < args.size(); i++) {
      String name = args.get(i).split("=", 2)[0];
      CommandLine.Model.OptionSpec o = workload.findOption(name);
      if (o != null && name.startsWith("--")) {
        flags.add(
            args.get(i)
                + (o.arity().max() > 0
                        && !args.get(i).contains("=")
                        && i + 1 < args.size()
                        && !args.get(i + 1).startsWith("-")
                    ? " " + args.get(++i)
                    : ""));
      }
    }
    if (flags.isEmpty()) {
      return null;
    }
    return "bench: "
        + String.join(", ", flags.stream().map(f -> f.split(" ")[0]).toList())
        + (flags.size() == 1 ? " is a flag" : " are flags")
        + " of 'bench.jar workload', not 'run': the traffic is frozen in a workload file first, so"
        + " that every run (both arms of an A/B) replays the same requests at the same times. For"
        + " example:\n"
        + "  java -jar bench.jar workload "
        + String.join(" ", flags)
        + " --model NAME -o workload.jsonl\n"
        + "  java -jar bench.jar run --url URL -w workload.jsonl -o result.json";
  }
}
