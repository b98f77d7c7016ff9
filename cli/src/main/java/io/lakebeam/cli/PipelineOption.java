package io.lakebeam.cli;

import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;

/** The {@code --runner} and {@code --beam-option} options of commands that run a pipeline. */
final class PipelineOption {
  @Option(
      names = "--runner",
      defaultValue = "direct",
      description = "direct, flink, spark or dataflow (default: ${DEFAULT-VALUE})")
  String runner;

  @Option(
      names = "--beam-option",
      description = "A Beam option passed to the runner, e.g. --beam-option=--parallelism=4")
  List<String> beamOptions = List.of();

  PipelineOptions options() {
    return Runners.options(Runner.parse(runner), beamOptions.toArray(String[]::new));
  }
}
