package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.ColumnRewrite;
import io.lakebeam.core.write.RewriteLineage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A refresh after a copy-on-write column write-back carries the index over to the rewritten files
 * instead of re-indexing them. 10,000 rows in four files: each segment is above the exact-scoring
 * shortcut of {@link SearchExecution#BRUTE_FORCE_MAX_ROWS}, so searches walk the graph.
 */
class IndexCarryOverTest {
  static final int DIM = 8;
  static final int FILES = 4;
  static final int PER_FILE = 2_500;
  static final int ROWS = FILES * PER_FILE;
  static final int K = 10;
  static final int EF = 400;

  /** Graph recall against exact search at {@link #EF}; a carried index matches itself exactly. */
  static final double MIN_RECALL = 0.98;

  @TempDir Path dir;

  @Test
  void writeBackThenRefreshCarriesEveryRowAndReadsTheNewFiles() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      float[][] q = queries(30, 5);
      List<List<Long>> before = ids(lake, c, q);

      writeBack(c, "cluster_id", Types.IntegerType.get(), r -> (int) ((Long) r.getField("id") % 7));
      IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

      assertThat(r.mode()).isEqualTo("carried");
      assertThat(r.rowsCarried()).isEqualTo(ROWS);
      assertThat(r.rowsBuilt()).isZero();
      assertThat(r.rowsIndexed()).isEqualTo(ROWS);
      assertThat(ids(lake, c, q)).isEqualTo(before);
      // hits name the new files, whose rows carry the written column
      List<String> live = TableState.of(c.refreshMetadata().table()).paths();
      for (SearchHit h : search(lake, c, q).get(0)) {
        assertThat(live).contains(h.file());
        Record row = row(c, h.file(), h.pos());
        assertThat(row.getField("cluster_id")).isEqualTo((int) ((Long) row.getField("id") % 7));
      }
      // as good as exact search, and as a fresh build
      List<List<Long>> exact = exactIds(lake, c, q);
      assertThat(TestData.recall(ids(lake, c, q), exact)).isGreaterThanOrEqualTo(MIN_RECALL);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      assertThat(TestData.recall(ids(lake, c, q), exact)).isGreaterThanOrEqualTo(MIN_RECALL);
    }
  }

  @Test
  void rowsDeletedBeforeTheRewriteStayGone() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      float[][] q = queries(30, 6);
      // delete the current top hit of every query, and every 10th row of one file
      List<SearchHit> tops = new ArrayList<>();
      for (List<SearchHit> hits : search(lake, c, q)) {
        tops.add(hits.get(0));
      }
      String first = c.liveFiles().get(0).path().toString();
      for (int p = 0; p < PER_FILE; p += 10) {
        tops.add(new SearchHit(first, p, 0f));
      }
      long deleted = deletePositions(c.table(), tops);
      c.refreshMetadata();
      List<List<Long>> afterDelete = ids(lake, c, q);

      writeBack(c, "cluster_id", Types.IntegerType.get(), r -> 1);
      IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

      assertThat(r.rowsBuilt()).isZero();
      assertThat(r.rowsCarried()).isEqualTo(ROWS - deleted);
      assertThat(r.rowsIndexed()).isEqualTo(ROWS - deleted);
      List<List<Long>> after = ids(lake, c, q);
      assertThat(after).isEqualTo(afterDelete);
      assertThat(TestData.recall(after, exactIds(lake, c, q))).isGreaterThanOrEqualTo(MIN_RECALL);
      assertThat(TableState.of(c.table()).liveRowCount()).isEqualTo(ROWS - deleted);
    }
  }

  @Test
  void replacingTheIndexedVectorColumnReindexesItsRows() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      Type vectorType = c.schema().findField("embedding").type();
      Map<Long, float[]> fresh = new HashMap<>();
      Random rnd = new Random(77);
      for (long id = 0; id < ROWS; id++) {
        fresh.put(id, TestData.vector(rnd, DIM));
      }
      writeBack(
          c, "embedding", vectorType, r -> TestData.boxed(fresh.get((Long) r.getField("id"))));
      IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

      assertThat(r.rowsCarried()).isZero();
      assertThat(r.rowsBuilt()).isEqualTo(ROWS);
      assertThat(r.mode()).isEqualTo("incremental");
      float[][] q = {fresh.get(17L), fresh.get(4242L), fresh.get(9999L)};
      List<List<Long>> hits = ids(lake, c, q);
      assertThat(hits.stream().map(h -> h.get(0)).toList()).containsExactly(17L, 4242L, 9999L);
      assertThat(TestData.recall(hits, exactIds(lake, c, q))).isGreaterThanOrEqualTo(MIN_RECALL);
    }
  }

  @Test
  void twoWriteBacksAndAppendsBeforeOneRefresh() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      float[][] q = queries(30, 7);
      writeBack(c, "cluster_id", Types.IntegerType.get(), r -> 3);
      TestData.insert(c, ROWS, 500, DIM, 90); // lands between the write-backs: rewritten by the 2nd
      writeBack(c, "score", Types.DoubleType.get(), r -> (Long) r.getField("id") / 10.0);
      TestData.insert(c, ROWS + 500, 300, DIM, 91); // lands after both

      IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

      assertThat(r.rowsCarried()).isEqualTo(ROWS);
      assertThat(r.rowsBuilt()).isEqualTo(800);
      assertThat(r.rowsIndexed()).isEqualTo(ROWS + 800);
      assertThat(TestData.recall(ids(lake, c, q), exactIds(lake, c, q)))
          .isGreaterThanOrEqualTo(MIN_RECALL);
      for (SearchHit h : search(lake, c, q).get(1)) {
        Record row = row(c, h.file(), h.pos());
        assertThat(row.getField("score")).isEqualTo((Long) row.getField("id") / 10.0);
      }
    }
  }

  @Test
  void missingLineageFallsBackToReindexing() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      float[][] q = queries(20, 8);
      writeBack(c, "cluster_id", Types.IntegerType.get(), r -> 2);
      String lineage =
          c.refreshMetadata().table().currentSnapshot().summary().get(RewriteLineage.SUMMARY_KEY);
      assertThat(lineage).isNotNull();
      Files.delete(IndexFiles.localPath(lineage));

      IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

      assertThat(r.rowsCarried()).isZero();
      assertThat(r.rowsBuilt()).isEqualTo(ROWS);
      assertThat(TestData.recall(ids(lake, c, q), exactIds(lake, c, q)))
          .isGreaterThanOrEqualTo(MIN_RECALL);
    }
  }

  @Test
  void rowMapWithDeadOrdinalsRoundTrips() throws Exception {
    RowMap map =
        new RowMap(List.of("a", "b"), new int[] {0, RowMap.DEAD, 1, 0}, new int[] {3, 9, 0, 5});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    map.write(out);
    RowMap back = RowMap.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(back.files()).containsExactly("a", "b");
    assertThat(back.deadCount()).isEqualTo(1);
    assertThat(new int[] {back.file(0), back.file(1), back.file(2), back.file(3)})
        .containsExactly(0, RowMap.DEAD, 1, 0);
    assertThat(new int[] {back.pos(0), back.pos(1), back.pos(2), back.pos(3)})
        .containsExactly(3, 9, 0, 5);
  }

  private static Collection indexed(Lakehouse lake) {
    Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
    for (int f = 0; f < FILES; f++) {
      TestData.insert(c, f * PER_FILE, PER_FILE, DIM, 10 + f);
    }
    c.refreshMetadata();
    lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    return c;
  }

  private static float[][] queries(int n, long seed) {
    Random rnd = new Random(seed);
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      q[i] = TestData.vector(rnd, DIM);
    }
    return q;
  }

  /** Writes {@code column} into every live row, through {@link ColumnRewrite}. */
  private static void writeBack(
      Collection c, String column, Type type, Function<Record, Object> value) {
    ColumnRewrite plan = ColumnRewrite.plan(c, Map.of(column, type));
    TableState state = TableState.of(c.table(), plan.baseSnapshotId());
    Map<String, org.apache.iceberg.DataFile> rewritten = new HashMap<>();
    for (String path : plan.baseFiles()) {
      Map<Long, Object[]> values = new HashMap<>();
      long pos = 0;
      try (CloseableIterable<Record> rows = DataFileReader.read(c.table(), path, c.schema())) {
        for (Record r : rows) {
          if (!state.isDeleted(path, (int) pos)) {
            values.put(pos, new Object[] {value.apply(r)});
          }
          pos++;
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      rewritten.put(path, plan.rewrite(path, values));
    }
    plan.commit("test-" + UUID.randomUUID(), rewritten, Map.of());
    c.refreshMetadata();
  }

  private static List<List<SearchHit>> search(Lakehouse lake, Collection c, float[][] q) {
    return lake.indexes().search(c, new SearchRequest(null, q, K, EF, null));
  }

  private static List<List<Long>> ids(Lakehouse lake, Collection c, float[][] q) {
    return idsOf(c, search(lake, c, q));
  }

  private static List<List<Long>> exactIds(Lakehouse lake, Collection c, float[][] q) {
    return idsOf(
        c, lake.indexes().searchAt(c, new SearchRequest(null, q, K, 0, null), c.snapshotId()));
  }

  private static List<List<Long>> idsOf(Collection c, List<List<SearchHit>> hits) {
    List<List<Long>> out = new ArrayList<>();
    for (List<SearchHit> h : hits) {
      out.add(h.stream().map(x -> (Long) row(c, x.file(), x.pos()).getField("id")).toList());
    }
    return out;
  }

  /** Data files are immutable, so their rows are read once per file. */
  private static final Map<String, List<Record>> ROWS_BY_FILE = new HashMap<>();

  private static Record row(Collection c, String file, long pos) {
    List<Record> rows =
        ROWS_BY_FILE.computeIfAbsent(
            file,
            f -> {
              List<Record> all = new ArrayList<>();
              try (CloseableIterable<Record> in = DataFileReader.read(c.table(), f, c.schema())) {
                in.forEach(r -> all.add(r.copy()));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
              return all;
            });
    return rows.get(Math.toIntExact(pos));
  }

  /** Position-deletes the given rows (one delete file); returns how many distinct rows. */
  private static long deletePositions(Table table, List<SearchHit> rows) throws Exception {
    String path =
        table.locationProvider().newDataLocation("delete-" + UUID.randomUUID() + ".parquet");
    List<SearchHit> sorted =
        rows.stream()
            .distinct()
            .sorted(
                (a, b) ->
                    a.file().equals(b.file())
                        ? Long.compare(a.pos(), b.pos())
                        : a.file().compareTo(b.file()))
            .toList();
    List<SearchHit> unique = new ArrayList<>();
    for (SearchHit h : sorted) {
      SearchHit last = unique.isEmpty() ? null : unique.get(unique.size() - 1);
      if (last == null || !last.file().equals(h.file()) || last.pos() != h.pos()) {
        unique.add(h);
      }
    }
    PositionDeleteWriter<Record> writer =
        Parquet.writeDeletes(table.io().newOutputFile(path))
            .withSpec(PartitionSpec.unpartitioned())
            .setAll(table.properties())
            .overwrite()
            .buildPositionWriter();
    try (writer) {
      for (SearchHit h : unique) {
        writer.write(PositionDelete.<Record>create().set(h.file(), h.pos(), null));
      }
    }
    DeleteFile deletes = writer.toDeleteFile();
    table.newRowDelta().addDeletes(deletes).commit();
    return unique.size();
  }
}
