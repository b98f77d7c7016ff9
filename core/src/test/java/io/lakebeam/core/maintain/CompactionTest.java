package io.lakebeam.core.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.KeyedCommit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compaction merges small files and applies position deletes in one validated commit; rows, search
 * results and the vector index (carried over, not rebuilt) stay the same. 10,000 rows in four files
 * make one index segment above the exact-search shortcut, so searches walk the graph.
 */
class CompactionTest {
  static final int DIM = 8;
  static final int FILES = 4;
  static final int PER_FILE = 2_500;
  static final int ROWS = FILES * PER_FILE;

  /** Rows per file where the graph walk is not the point: faster to index. */
  static final int SMALL_PER_FILE = 500;

  static final int K = 10;

  /** Graph recall against exact search; an index carried over matches itself exactly. */
  static final double MIN_RECALL = 0.98;

  @TempDir Path dir;

  @Test
  void positionDeletesAreAppliedAndOnlyUnindexedRowsAreIndexedAfresh() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake, SMALL_PER_FILE);
      int small = FILES * SMALL_PER_FILE;
      Set<String> gone = new HashSet<>();
      for (int id = 0; id < small; id += 7) {
        gone.add("row " + id);
      }
      KeyedCommit.into(c).replacingKeys("text", gone).commit("delete-1", List.of());
      TestData.insert(c, small, 100, DIM, 50); // two files the index does not cover yet
      TestData.insert(c, small + 100, 100, DIM, 51);
      c.refreshMetadata();
      float[][] q = queries(20, 4);
      List<List<Long>> afterDelete = ids(lake, c, q);
      assertThat(filesWithDeletes(c)).isEqualTo(FILES);

      Compaction.Result r = Compaction.of(c).run();

      assertThat(r.deletedRowsApplied()).isEqualTo(gone.size());
      assertThat(r.deleteFilesRemoved()).isEqualTo(1);
      assertThat(r.rowsWritten()).isEqualTo(small + 200 - gone.size());
      // indexed and unindexed files are not merged: the first are carried, the others built
      assertThat(r.filesWritten()).isEqualTo(2);
      assertThat(filesWithDeletes(c)).isZero();
      assertThat(allIds(c))
          .hasSize(small + 200 - gone.size())
          .noneMatch(id -> id < small && id % 7 == 0);
      assertThat(r.indexes().get(0).rowsCarried()).isEqualTo(small - gone.size());
      assertThat(r.indexes().get(0).rowsBuilt()).isEqualTo(200);
      List<List<Long>> after = ids(lake, c, q);
      assertThat(after).isEqualTo(afterDelete);
      assertThat(TestData.recall(after, exactIds(lake, c, q))).isGreaterThanOrEqualTo(MIN_RECALL);
    }
  }

  @Test
  void anInsertDuringCompactionIsKept() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      for (int f = 0; f < 3; f++) {
        TestData.insert(c, f * 100, 100, DIM, f);
      }
      CompactionPlan plan = Compaction.of(c).plan();
      plan.writeFiles();
      TestData.insert(c, 300, 50, DIM, 9); // commits between the write and the swap

      plan.commit();

      TableState state = TableState.of(c.refreshMetadata().table());
      assertThat(state.files()).hasSize(2);
      assertThat(allIds(c)).hasSize(350).contains(0L, 299L, 300L, 349L);
    }
  }

  @Test
  void aDeleteDuringCompactionConflictsAndTheRerunAppliesIt() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      for (int f = 0; f < 3; f++) {
        TestData.insert(c, f * 100, 100, DIM, f);
      }
      CompactionPlan plan = Compaction.of(c).plan();
      plan.writeFiles();
      KeyedCommit.into(c).replacingKeys("text", Set.of("row 42")).commit("del", List.of());
      long dataFilesBefore = dataFilesOnDisk();

      assertThatThrownBy(plan::commit).isInstanceOf(CompactionPlan.Conflict.class);

      assertThat(dataFilesOnDisk()).isEqualTo(dataFilesBefore - 1); // the written file is gone
      assertThat(allIds(c)).hasSize(299).doesNotContain(42L);
      Compaction.Result r = Compaction.of(c).run();
      assertThat(r.deletedRowsApplied()).isEqualTo(1);
      assertThat(allIds(c)).hasSize(299).doesNotContain(42L);
    }
  }

  @Test
  void aFileWhoseRowsAreAllDeletedLeavesNoEmptyFile() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      TestData.insert(c, 0, 10, DIM, 1);
      Set<String> all = new HashSet<>();
      for (int id = 0; id < 10; id++) {
        all.add("row " + id);
      }
      KeyedCommit.into(c).replacingKeys("text", all).commit("delete-all", List.of());

      Compaction.Result r = Compaction.of(c).run();

      assertThat(r.filesRewritten()).isEqualTo(1);
      assertThat(r.filesWritten()).isZero();
      assertThat(r.deleteFilesRemoved()).isEqualTo(1);
      assertThat(TableState.of(c.refreshMetadata().table()).files()).isEmpty();
    }
  }

  @Test
  void rejectsATinyTargetSize() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      assertThatThrownBy(() -> Compaction.of(c).withTargetFileBytes(10))
          .hasMessageContaining("Cannot compact to files of 10 bytes");
    }
  }

  private long dataFilesOnDisk() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.toString().contains("/data/") && p.toString().endsWith(".parquet"))
          .filter(p -> !p.getFileName().toString().startsWith("delete-"))
          .count();
    }
  }

  static Collection indexed(Lakehouse lake) {
    return indexed(lake, PER_FILE);
  }

  static Collection indexed(Lakehouse lake, int perFile) {
    Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
    for (int f = 0; f < FILES; f++) {
      TestData.insert(c, f * perFile, perFile, DIM, 10 + f);
    }
    c.refreshMetadata();
    lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    return c;
  }

  private static long filesWithDeletes(Collection c) {
    TableState s = TableState.of(c.refreshMetadata().table());
    return s.files().keySet().stream().filter(f -> s.deletedPositions(f) != null).count();
  }

  static float[][] queries(int n, long seed) {
    Random rnd = new Random(seed);
    float[][] q = new float[n][];
    for (int i = 0; i < n; i++) {
      q[i] = TestData.vector(rnd, DIM);
    }
    return q;
  }

  /** The ids of the live rows. */
  static List<Long> allIds(Collection c) {
    TableState s = TableState.of(c.refreshMetadata().table());
    List<Long> out = new ArrayList<>();
    for (String path : s.paths()) {
      List<Record> rows = rows(c, path);
      for (int p = 0; p < rows.size(); p++) {
        if (!s.isDeleted(path, p)) {
          out.add((Long) rows.get(p).getField("id"));
        }
      }
    }
    return out;
  }

  static List<List<Long>> ids(Lakehouse lake, Collection c, float[][] q) {
    return idsOf(c, lake.indexes().search(c, new SearchRequest(null, q, K, 200, null)));
  }

  static List<List<Long>> exactIds(Lakehouse lake, Collection c, float[][] q) {
    return idsOf(
        c, lake.indexes().searchAt(c, new SearchRequest(null, q, K, 0, null), c.snapshotId()));
  }

  private static List<List<Long>> idsOf(Collection c, List<List<SearchHit>> hits) {
    List<List<Long>> out = new ArrayList<>();
    for (List<SearchHit> h : hits) {
      out.add(
          h.stream().map(x -> (Long) rows(c, x.file()).get((int) x.pos()).getField("id")).toList());
    }
    return out;
  }

  /** Data files are immutable and uniquely named, so each is read once. */
  private static final java.util.Map<String, List<Record>> ROWS_BY_FILE =
      new java.util.concurrent.ConcurrentHashMap<>();

  private static List<Record> rows(Collection c, String file) {
    return ROWS_BY_FILE.computeIfAbsent(
        file,
        f -> {
          List<Record> all = new ArrayList<>();
          try (CloseableIterable<Record> in = DataFileReader.read(c.table(), f, c.schema())) {
            in.forEach(r -> all.add(r.copy()));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return all;
        });
  }
}
