package io.lakebeam.core.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compaction killed after its commit and before its index refresh (found by the fault matrix's
 * compaction stage): the rerun has no file left to merge, and still brings the index up to the
 * compacted snapshot instead of leaving it stale.
 */
class CompactionRerunTest {
  static final int DIM = 8;
  @TempDir Path dir;

  @Test
  void aRerunRefreshesTheIndexAKilledCompactionLeftStale() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      for (int f = 0; f < 3; f++) {
        TestData.insert(c, f * 100, 100, DIM, f);
      }
      lake.indexes().build(c.refreshMetadata(), "embedding", null, IndexParams.defaults());
      CompactionPlan plan = Compaction.of(c).plan();
      plan.writeFiles();
      plan.commit(); // the process dies here, before its index refresh
      assertThat(lake.indexes().describe(c.refreshMetadata()).get(0).get("stale")).isEqualTo(true);

      Compaction.Result r = Compaction.of(c).run();

      assertThat(r.filesRewritten()).isZero();
      assertThat(r.indexes()).hasSize(1);
      assertThat(r.indexes().get(0).toMap().get("mode")).isEqualTo("carried");
      var index = lake.indexes().describe(c.refreshMetadata()).get(0);
      assertThat(index.get("stale")).isEqualTo(false);
      assertThat(index.get("rows")).isEqualTo(300L);
    }
  }

  @Test
  void aRerunWithNothingToDoLeavesAnIndexStaleFromOtherWritesAlone() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      TestData.insert(c, 0, 100, DIM, 1);
      lake.indexes().build(c.refreshMetadata(), "embedding", null, IndexParams.defaults());
      TestData.insert(c, 100, 100, DIM, 2);

      // files above 768 bytes are not small: nothing to compact
      Compaction.Result r = Compaction.of(c).withTargetFileBytes(1024).run();

      assertThat(r.filesRewritten()).isZero();
      assertThat(r.indexes()).isEmpty(); // an append is the next index refresh's work
    }
  }
}
