package io.lakebeam.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.util.function.Consumer;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/** Builds and runs a test pipeline on a runner, failing the test unless it ends DONE. */
public final class Pipelines {
  private Pipelines() {}

  public static PipelineResult run(Runner runner, Consumer<Pipeline> build) {
    Pipeline p =
        Pipeline.create(
            runner == Runner.FLINK
                ? Runners.options(runner, "--parallelism=2")
                : Runners.options(
                    runner, "--enforceImmutability=true", "--enforceEncodability=true"));
    build.accept(p);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return result;
  }
}
