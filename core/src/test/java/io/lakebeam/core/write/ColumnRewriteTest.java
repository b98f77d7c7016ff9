package io.lakebeam.core.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnRewriteTest {
  static final int DIM = 4;
  @TempDir Path dir;

  @Test
  void addsColumnsInOneCommitAndKeepsTheOldSnapshot() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      long before = c.snapshotId();
      ColumnRewrite plan = ColumnRewrite.plan(c, columns());
      Map<String, DataFile> rewritten = rewriteAll(c, plan, id -> (int) (id % 3));

      ColumnRewrite.Result result = plan.commit("run-1", rewritten, Map.of("curated", "yes"));

      assertThat(result.addedColumns()).containsExactly("cluster_id", "score");
      c.refreshMetadata();
      assertThat(c.table().properties()).containsEntry("curated", "yes");
      List<Record> rows = read(c, c.snapshotId());
      assertThat(rows).hasSize(30);
      for (Record r : rows) {
        assertThat(r.getField("cluster_id")).isEqualTo((int) ((Long) r.getField("id") % 3));
        assertThat((Double) r.getField("score")).isEqualTo(((Long) r.getField("id")) / 10.0);
        assertThat(r.getField("embedding")).asList().hasSize(DIM);
      }
      // time travel: the old snapshot reads as before, without the columns
      assertThat(TableState.of(c.table(), before).liveRowCount()).isEqualTo(30);
      assertThat(plan.commit("run-1", rewritten, Map.of()).alreadyCommitted()).isTrue();
    }
  }

  @Test
  void commitRecordsWhereEachRewrittenFileComesFrom() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      ColumnRewrite plan = ColumnRewrite.plan(c, columns());
      List<String> base = plan.baseFiles();
      Map<String, DataFile> rewritten = rewriteAll(c, plan, id -> 1);

      plan.commit("run-1", rewritten, Map.of());

      var lineage = RewriteLineage.of(c.refreshMetadata().table(), c.table().currentSnapshot());
      assertThat(lineage).isPresent();
      assertThat(lineage.get().baseSnapshotId()).isEqualTo(plan.baseSnapshotId());
      assertThat(lineage.get().columns()).containsExactly("cluster_id", "score");
      assertThat(lineage.get().wrote("embedding")).isFalse();
      assertThat(lineage.get().files()).hasSize(base.size());
      for (RewriteLineage.Entry e : lineage.get().files()) {
        assertThat(e.target()).isEqualTo(rewritten.get(e.source()).path().toString());
        assertThat(e.dropped()).isEmpty();
        assertThat(e.targetRows()).isEqualTo(rewritten.get(e.source()).recordCount());
        assertThat(e.targetPosition(3)).isEqualTo(3);
      }
    }
  }

  @Test
  void lineagePositionsSkipDroppedRows() {
    var e = new RewriteLineage.Entry("a", "b", 10, new int[] {2, 5, 6});
    assertThat(e.targetPosition(0)).isEqualTo(0);
    assertThat(e.targetPosition(2)).isEqualTo(-1);
    assertThat(e.targetPosition(4)).isEqualTo(3);
    assertThat(e.targetPosition(6)).isEqualTo(-1);
    assertThat(e.targetPosition(9)).isEqualTo(6);
    assertThat(e.targetRows()).isEqualTo(7);
  }

  @Test
  void rerunOverwritesValuesAndRowsWithoutValuesGetNull() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      ColumnRewrite first = ColumnRewrite.plan(c, columns());
      first.commit("run-1", rewriteAll(c, first, id -> 1), Map.of());
      ColumnRewrite second = ColumnRewrite.plan(c, columns());
      second.commit("run-2", rewriteAll(c, second, id -> id < 5 ? null : 2), Map.of());
      for (Record r : read(c, c.refreshMetadata().snapshotId())) {
        Object expected = (Long) r.getField("id") < 5 ? null : 2;
        assertThat(r.getField("cluster_id")).isEqualTo(expected);
      }
    }
  }

  @Test
  void concurrentAppendIsKept() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      ColumnRewrite plan = ColumnRewrite.plan(c, columns());
      Map<String, DataFile> rewritten = rewriteAll(c, plan, id -> 7);
      TestData.insert(c, 100, 5, DIM, 9); // another writer appends meanwhile

      plan.commit("run-1", rewritten, Map.of());

      List<Record> rows = read(c, c.refreshMetadata().snapshotId());
      assertThat(rows).hasSize(35);
      assertThat(rows.stream().filter(r -> (Long) r.getField("id") >= 100))
          .hasSize(5)
          .allMatch(r -> r.getField("cluster_id") == null);
      assertThat(rows.stream().filter(r -> (Long) r.getField("id") < 100))
          .allMatch(r -> Integer.valueOf(7).equals(r.getField("cluster_id")));
    }
  }

  @Test
  void rowsReplacedUnderTheJobFailTheCommitAndLeaveTheTable() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      ColumnRewrite plan = ColumnRewrite.plan(c, columns());
      Map<String, DataFile> rewritten = rewriteAll(c, plan, id -> 7);
      try (var w = c.newWriter()) {
        KeyedCommit.into(c).replacingKeys("lang", Set.of("en")).commit("other", w.finishFiles());
      }
      long changed = c.refreshMetadata().snapshotId();

      assertThatThrownBy(() -> plan.commit("run-1", rewritten, Map.of()))
          .isInstanceOf(LakebeamException.class)
          .hasMessageContaining("the table changed under the job")
          .hasMessageContaining("run the job again");
      assertThat(c.refreshMetadata().snapshotId()).isEqualTo(changed);
      assertThat(c.schema().findField("cluster_id")).isNull();
      // a re-run on the new snapshot succeeds
      ColumnRewrite again = ColumnRewrite.plan(c, columns());
      again.commit("run-2", rewriteAll(c, again, id -> 7), Map.of());
      assertThat(read(c, c.refreshMetadata().snapshotId())).hasSize(20);
    }
  }

  @Test
  void abandonedRewriteChangesNothing() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      long before = c.snapshotId();
      ColumnRewrite plan = ColumnRewrite.plan(c, columns());
      rewriteAll(c, plan, id -> 3); // the job dies before its commit

      assertThat(c.refreshMetadata().snapshotId()).isEqualTo(before);
      assertThat(c.schema().findField("cluster_id")).isNull();
      ColumnRewrite again = ColumnRewrite.plan(c, columns());
      again.commit("run-2", rewriteAll(c, again, id -> 3), Map.of());
      assertThat(read(c, c.refreshMetadata().snapshotId()))
          .hasSize(30)
          .allMatch(r -> Integer.valueOf(3).equals(r.getField("cluster_id")));
    }
  }

  @Test
  void typeClashIsRefused() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = collection(lake);
      assertThatThrownBy(() -> ColumnRewrite.plan(c, Map.of("year", Types.StringType.get())))
          .hasMessageContaining("Cannot write column 'year' of type string")
          .hasMessageContaining("exists with type int");
    }
  }

  private static Collection collection(Lakehouse lake) {
    Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
    TestData.insert(c, 0, 10, DIM, 1);
    TestData.insert(c, 10, 20, DIM, 2);
    return c.refreshMetadata();
  }

  private static Map<String, Type> columns() {
    Map<String, Type> m = new LinkedHashMap<>();
    m.put("cluster_id", Types.IntegerType.get());
    m.put("score", Types.DoubleType.get());
    return m;
  }

  /**
   * Rewrites every base file, with cluster = f(id) and score = id / 10 (null cluster: no values).
   */
  private static Map<String, DataFile> rewriteAll(
      Collection c, ColumnRewrite plan, java.util.function.LongFunction<Integer> cluster) {
    Map<String, DataFile> out = new HashMap<>();
    TableState state = TableState.of(c.table(), plan.baseSnapshotId());
    for (String path : plan.baseFiles()) {
      Map<Long, Object[]> values = new HashMap<>();
      long[] pos = {0};
      LiveRows.forEachInFile(
          c.table(),
          state,
          path,
          c.schema().select("id"),
          r -> {
            long id = (Long) r.getField("id");
            Integer k = cluster.apply(id);
            if (k != null) {
              values.put(pos[0], new Object[] {k, id / 10.0});
            }
            pos[0]++;
          });
      out.put(path, plan.rewrite(path, values));
    }
    return out;
  }

  private static List<Record> read(Collection c, long snapshot) {
    return LiveRows.readAll(c.table(), TableState.of(c.table(), snapshot), c.schema());
  }
}
