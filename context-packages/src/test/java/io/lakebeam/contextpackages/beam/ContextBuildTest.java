package io.lakebeam.contextpackages.beam;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.ContextStore;
import io.lakebeam.contextpackages.KnowledgeBase;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Beam pipeline on the Direct runner: packages, no-op rebuilds, and failed topics. */
class ContextBuildTest {
  @TempDir Path dir;
  private Lakehouse lake;

  @BeforeEach
  void setUp() {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    KnowledgeBase.create(lake);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private Map<String, Object> run(ContextBuild build) {
    Pipeline p =
        Pipeline.create(
            Runners.options(
                Runner.DIRECT, "--enforceImmutability=true", "--enforceEncodability=true"));
    build.applyTo(p);
    PipelineResult result = p.run();
    assertThat(result.waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    return ContextBuild.summary(result);
  }

  @Test
  void buildsOnePackagePerTopicAndARerunAddsNothing() {
    ContextSpec spec = KnowledgeBase.spec().build();
    Map<String, Object> first = run(ContextBuild.of(spec, lake).withBatchSize(2));
    assertThat(first).containsEntry("built", 3L).containsEntry("versions_added", 3L);

    Collection packages = lake.collection(spec.table());
    ContextPackage coffee = ContextStore.of(lake).get(packages, "support-kb", "coffee", null);
    assertThat(coffee.version()).isEqualTo(1);
    assertThat(coffee.citations()).extracting(c -> c.uri()).contains("file:///kb/espresso.md");

    Map<String, Object> again = run(ContextBuild.of(spec, lake));
    assertThat(again).containsEntry("versions_added", 0L).containsEntry("unchanged", 3L);
    assertThat(TableState.of(packages.refreshMetadata().table()).liveRowCount()).isEqualTo(3);
  }

  @Test
  void topicsThatCannotBeBuiltGoToTheFailuresTableWithTheReason() {
    ContextSpec spec =
        KnowledgeBase.spec()
            .compress(new ContextSpec.Compress(5, true, 0.95, ContextSpec.Order.DOCUMENT, null))
            .build();
    ContextBuild build = ContextBuild.of(spec, lake);
    Map<String, Object> summary = run(build);
    assertThat(summary).containsEntry("built", 0L).containsEntry("failed", 3L);

    Collection failures = lake.collection(build.failuresCollection());
    List<Record> rows =
        LiveRows.readAll(
            failures.table(),
            TableState.of(failures.table()),
            failures.schema().select("uri", "stage", "reason"));
    assertThat(rows).hasSize(3);
    assertThat(rows)
        .extracting(r -> r.getField("uri"))
        .contains("context://support-kb/key rotation");
    assertThat(rows).allSatisfy(r -> assertThat(r.getField("stage")).isEqualTo("context"));
    assertThat(rows)
        .allSatisfy(
            r ->
                assertThat(r.getField("reason").toString())
                    .contains("token_budget 5 is smaller than the smallest retrieved chunk"));
  }
}
