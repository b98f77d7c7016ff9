package io.lakebeam.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/** Builds and runs a test pipeline on a runner, failing the test unless it ends DONE. */
public final class Pipelines {
  private Pipelines() {}

  public static PipelineResult run(Runner runner, Consumer<Pipeline> build) {
    return run(
        runner == Runner.FLINK
            ? Runners.options(runner, "--parallelism=2")
            : Runners.options(runner, "--enforceImmutability=true", "--enforceEncodability=true"),
        build);
  }

  /**
   * Like {@link #run(Runner, Consumer)} with the runner's production options: without the Direct
   * runner's immutability and encodability checks, which walk the whole pipeline graph for every
   * bundle and make pipelines of hundreds of steps (the curation transforms) crawl.
   */
  public static PipelineResult runUnchecked(Runner runner, Consumer<Pipeline> build) {
    return run(
        runner == Runner.FLINK
            ? Runners.options(runner, "--parallelism=2")
            : Runners.options(runner),
        build);
  }

  private static PipelineResult run(PipelineOptions options, Consumer<Pipeline> build) {
    Pipeline p = Pipeline.create(options);
    build.accept(p);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return result;
  }
}
