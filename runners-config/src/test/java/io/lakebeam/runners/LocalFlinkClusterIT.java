package io.lakebeam.runners;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session cluster of three JVMs (JobManager + two TaskManagers) runs a Beam pipeline submitted
 * with {@code --flinkMaster}; this test's classes reach the TaskManagers only as staged jars.
 */
class LocalFlinkClusterIT {
  @TempDir Path dir;

  @Test
  void twoTaskManagersRegisterAndRunAStagedPipeline() throws Exception {
    try (LocalFlinkCluster cluster =
        LocalFlinkCluster.builder()
            .withTaskManagers(2)
            .withDirectory(dir.resolve("flink"))
            .start()) {
      assertThat(cluster.taskManagers())
          .containsExactlyInAnyOrder("taskmanager-0", "taskmanager-1");
      assertThat(cluster.pids()).hasSize(3);

      Pipeline p =
          Pipeline.create(
              Runners.options(
                  Runner.FLINK, "--flinkMaster=" + cluster.master(), "--parallelism=2"));
      List<String> words = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        words.add("w" + (i % 7));
      }
      p.apply(Create.of(words))
          .apply(Count.perElement())
          .apply(MapElements.via(new Format()))
          .apply(TextIO.write().to(dir.resolve("out").resolve("counts").toString()));
      PipelineResult.State state = p.run().waitUntilFinish();
      assertThat(state).isEqualTo(PipelineResult.State.DONE);

      List<String> lines = new ArrayList<>();
      try (Stream<Path> files = Files.list(dir.resolve("out"))) {
        for (Path f : files.toList()) {
          lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
        }
      }
      assertThat(lines).hasSize(7).contains("w0=143", "w6=142");
      assertThat(cluster.jobsOverview()).contains("\"state\":\"FINISHED\"");
    }
  }

  @Test
  void theClusterClasspathLeavesLakebeamClassesToStaging() {
    String cp =
        String.join(
            File.pathSeparator,
            "/m2/org/apache/flink/flink-runtime/1.19.0/flink-runtime-1.19.0.jar",
            "/m2/io/lakebeam/lakebeam-core/0.1.0-SNAPSHOT/lakebeam-core-0.1.0-SNAPSHOT.jar",
            "/src/lakebeam/core/target/classes",
            "/src/lakebeam/core/target/test-classes",
            "/m2/org/apache/beam/beam-sdks-java-core/2.70.0/beam-sdks-java-core-2.70.0.jar");
    assertThat(LocalFlinkCluster.clusterClasspath(cp).split(File.pathSeparator))
        .containsExactly(
            "/m2/org/apache/flink/flink-runtime/1.19.0/flink-runtime-1.19.0.jar",
            "/m2/org/apache/beam/beam-sdks-java-core/2.70.0/beam-sdks-java-core-2.70.0.jar");
  }

  @Test
  void badSettingsAreRejected() {
    assertThatThrownBy(() -> LocalFlinkCluster.builder().withTaskManagers(0))
        .hasMessageContaining("Cannot start fewer than 1 TaskManager: 0");
    assertThatThrownBy(() -> LocalFlinkCluster.builder().withHeap("lots"))
        .hasMessageContaining("Cannot use heap size 'lots'");
  }

  private static final class Format extends SimpleFunction<KV<String, Long>, String> {
    @Override
    public String apply(KV<String, Long> kv) {
      return kv.getKey() + "=" + kv.getValue();
    }
  }
}
