package io.lakebeam.cli;

import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Option;

/**
 * The {@code --runner}, {@code --flink-master} and {@code --beam-option} options of commands that
 * run a pipeline.
 */
final class PipelineOption {
  @Option(
      names = "--runner",
      defaultValue = "direct",
      description = "direct, flink, spark or dataflow (default: ${DEFAULT-VALUE})")
  String runner;

  @Option(
      names = "--flink-master",
      paramLabel = "HOST:PORT",
      description =
          "With --runner flink: the JobManager's REST endpoint of a Flink session cluster"
              + " (the job's jars are staged there); default: an embedded mini-cluster")
  String flinkMaster;

  @Option(
      names = "--beam-option",
      description = "A Beam option passed to the runner, e.g. --beam-option=--parallelism=4")
  List<String> beamOptions = List.of();

  PipelineOptions options() {
    return Runners.optionsWithFlinkMaster(
        Runner.parse(runner), flinkMaster, beamOptions.toArray(String[]::new));
  }
}
