package io.lakebeam.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.options.PipelineOptions;
import org.junit.jupiter.api.Test;

class RunnersTest {
  @Test
  void namesParseInAnyCaseWithOrWithoutTheSuffix() {
    assertThat(Runner.parse("flink")).isEqualTo(Runner.FLINK);
    assertThat(Runner.parse("FlinkRunner")).isEqualTo(Runner.FLINK);
    assertThat(Runner.parse(" Direct ")).isEqualTo(Runner.DIRECT);
    assertThatThrownBy(() -> Runner.parse("storm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[direct, flink, spark, dataflow]");
  }

  @Test
  void flinkDefaultsToAnEmbeddedClusterAndPassThroughWins() {
    FlinkPipelineOptions local = Runners.options(Runner.FLINK).as(FlinkPipelineOptions.class);
    assertThat(local.getFlinkMaster()).isEqualTo("[local]");
    assertThat(local.getParallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(local.getReIterableGroupByKeyResult()).isTrue();

    FlinkPipelineOptions remote =
        Runners.options(Runner.FLINK, "--flinkMaster=jobmanager:8081", "--parallelism=16")
            .as(FlinkPipelineOptions.class);
    assertThat(remote.getFlinkMaster()).isEqualTo("jobmanager:8081");
    assertThat(remote.getParallelism()).isEqualTo(16);
  }

  @Test
  void aFlinkMasterIsHostPortAndOnlyForFlink() {
    FlinkPipelineOptions remote =
        Runners.optionsWithFlinkMaster(Runner.FLINK, "jobmanager:8081", "--parallelism=3")
            .as(FlinkPipelineOptions.class);
    assertThat(remote.getFlinkMaster()).isEqualTo("jobmanager:8081");
    assertThat(remote.getParallelism()).isEqualTo(3);
    FlinkPipelineOptions local =
        Runners.optionsWithFlinkMaster(Runner.FLINK, null).as(FlinkPipelineOptions.class);
    assertThat(local.getFlinkMaster()).isEqualTo("[local]");
    assertThatThrownBy(() -> Runners.optionsWithFlinkMaster(Runner.DIRECT, "127.0.0.1:8081"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot use Flink master 127.0.0.1:8081 with the DirectRunner")
        .hasMessageContaining("--runner flink");
    assertThatThrownBy(() -> Runners.optionsWithFlinkMaster(Runner.FLINK, "http://jm"))
        .hasMessageContaining("Cannot use Flink master 'http://jm': give host:port");
  }

  @Test
  void anUnreachableClusterLeavesTheParallelismToFlink() {
    // nothing listens on port 1: the parallelism is not guessed from this machine's cores
    assertThat(Runners.clusterSlots("127.0.0.1:1")).isEqualTo(-1);
  }

  @Test
  void directRunsWithoutTestTimeChecksUnlessAsked() {
    DirectOptions fast = Runners.options(Runner.DIRECT).as(DirectOptions.class);
    assertThat(fast.isEnforceImmutability()).isFalse();
    assertThat(fast.isBlockOnRun()).isFalse();
    DirectOptions checked =
        Runners.options(Runner.DIRECT, "--enforceImmutability=true").as(DirectOptions.class);
    assertThat(checked.isEnforceImmutability()).isTrue();
  }

  @Test
  void runnersNotOnTheClasspathSayWhatToAdd() {
    assertThat(Runner.SPARK.isAvailable()).isFalse();
    assertThatThrownBy(() -> Runners.options(Runner.SPARK))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beam-runners-spark-3");
    assertThatThrownBy(() -> Runners.options(Runner.DATAFLOW))
        .hasMessageContaining("beam-runners-google-cloud-dataflow-java");
  }

  @Test
  void unknownBeamOptionsAreRejected() {
    assertThatThrownBy(() -> Runners.options(Runner.DIRECT, "--noSuchOption=1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("noSuchOption");
  }

  @Test
  void optionsAreUsablePipelineOptions() {
    PipelineOptions o = Runners.options(Runner.DIRECT);
    assertThat(o.getRunner().getSimpleName()).isEqualTo("DirectRunner");
  }
}
