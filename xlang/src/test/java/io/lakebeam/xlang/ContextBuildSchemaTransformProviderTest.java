package io.lakebeam.xlang;

import static io.lakebeam.xlang.CurationSchemaTransformProvidersTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.contextpackages.KnowledgeBase;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.TableState;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * context_build expanded from a configuration row with an inline spec, run on the Direct runner.
 */
class ContextBuildSchemaTransformProviderTest {
  private static final String SPEC =
      String.join(
          "\n",
          "name: support-kb",
          "source: {collection: kb.chunks, field: embedding}",
          "queries:",
          "  - {topic: coffee, text: \"how long should an espresso shot take?\"}",
          "  - {topic: backups, text: \"how do I restore a backup?\"}",
          "retrieve: {top_k: 4}",
          "compress: {token_budget: 80, dedup: true, order: document}",
          "");

  @TempDir Path dir;

  @Test
  void buildsOnePackagePerTopicOfTheInlineSpec() throws Exception {
    String lakehouse = dir.toString();
    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      KnowledgeBase.create(lake);
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    ContextBuildSchemaTransformProvider provider = new ContextBuildSchemaTransformProvider();
    PCollection<Row> summary =
        PCollectionRowTuple.empty(p)
            .apply(provider.from(config("lakehouse", lakehouse, "spec", SPEC, "batch_size", 2)))
            .get("output");
    assertThat(summary.getSchema().getFieldNames()).isNotEmpty();
    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      assertThat(TableState.of(lake.collection("context.packages").table()).liveRowCount())
          .isEqualTo(2);
    }
  }

  @Test
  void aSpecGivenTwiceFailsNamingBothOptions() {
    assertThatThrownBy(
            () ->
                new ContextBuildSchemaTransformProvider()
                    .from(
                        config("lakehouse", dir.toString(), "spec", SPEC, "spec_path", "/kb.yaml")))
        .hasMessageContaining("give exactly one of options 'spec' and 'spec_path'");
  }
}
