package io.lakebeam.core.maintain;

import static io.lakebeam.core.maintain.CompactionTest.FILES;
import static io.lakebeam.core.maintain.CompactionTest.ROWS;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a compaction the vector index is carried over to the merged file, not rebuilt, and search
 * returns the same ids. 10,000 rows in four files make one index segment above the exact-search
 * shortcut, so searches walk the graph.
 */
class CompactionCarryOverTest {
  @TempDir Path dir;

  @Test
  void smallFilesBecomeOneAndSearchReturnsTheSameIds() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = CompactionTest.indexed(lake);
      float[][] q = CompactionTest.queries(20, 3);
      List<List<Long>> before = CompactionTest.ids(lake, c, q);

      Compaction.Result r = Compaction.of(c).run();

      assertThat(r.filesRewritten()).isEqualTo(FILES);
      assertThat(r.filesWritten()).isEqualTo(1);
      assertThat(r.rowsWritten()).isEqualTo(ROWS);
      TableState state = TableState.of(c.refreshMetadata().table());
      assertThat(state.files()).hasSize(1);
      assertThat(state.liveRowCount()).isEqualTo(ROWS);
      assertThat(CompactionTest.allIds(c)).hasSize(ROWS);
      IndexService.BuildResult index = r.indexes().get(0);
      assertThat(index.mode()).isEqualTo("carried");
      assertThat(index.rowsCarried()).isEqualTo(ROWS);
      assertThat(index.rowsBuilt()).isZero();
      List<List<Long>> after = CompactionTest.ids(lake, c, q);
      assertThat(after).isEqualTo(before);
      assertThat(TestData.recall(after, CompactionTest.exactIds(lake, c, q)))
          .isGreaterThanOrEqualTo(CompactionTest.MIN_RECALL);
      // nothing left to do: a second run commits nothing
      assertThat(Compaction.of(c).run().filesRewritten()).isZero();
    }
  }

  @Test
  void aMergedFileWithRowsNoSegmentCoversIsIndexedAfreshNotCarried() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = CompactionTest.indexed(lake, CompactionTest.SMALL_PER_FILE);
      int indexed = FILES * CompactionTest.SMALL_PER_FILE;
      List<float[]> added = TestData.insert(c, indexed, 50, CompactionTest.DIM, 77);
      c.refreshMetadata();
      // merge indexed and unindexed files into one, as no planner of ours would
      CompactionPlan plan =
          new CompactionPlan(c, c.snapshotId(), List.of(c.liveFiles()), java.util.Set.of());
      plan.writeFiles();
      plan.commit();

      IndexService.BuildResult r = lake.indexes().refresh(c.refreshMetadata()).get(0);

      assertThat(r.rowsCarried()).isZero();
      assertThat(r.rowsIndexed()).isEqualTo(indexed + 50);
      float[][] q = {added.get(0), added.get(17), added.get(49)};
      List<List<Long>> hits = CompactionTest.ids(lake, c, q);
      assertThat(hits.stream().map(h -> h.get(0)).toList())
          .containsExactly((long) indexed, indexed + 17L, indexed + 49L);
      assertThat(TestData.recall(hits, CompactionTest.exactIds(lake, c, q)))
          .isGreaterThanOrEqualTo(CompactionTest.MIN_RECALL);
    }
  }
}
