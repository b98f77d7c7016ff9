package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.cli.FaultMatrixIT.Outcome;
import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexReferences;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.maintain.Compaction;
import io.lakebeam.core.maintain.OrphanFiles;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.KeyedCommit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The compaction stage of the fault matrix: a collection {@code docs} of {@code rows} rows in
 * {@value #FILES} small files, indexed, then every {@value #DELETE_EVERY}th row deleted (position
 * deletes the index does not know yet). {@code lakebeam maintain compact docs} is killed, run
 * again, and {@code lakebeam maintain gc docs --older-than 0} removes what the killed run left.
 * Then every live row must be there once with the values it had, the deleted rows must stay
 * deleted, no orphan file may be left, the index must cover exactly the live rows at the current
 * snapshot, and searches must return the ids they returned before the compaction.
 *
 * <pre>{@code
 * FaultCompaction.prepare(lake, 3000, 16);
 * FaultCompaction.Before before = FaultCompaction.before(lake, 3000, 16);
 * // ... kill and rerun `maintain compact`, run `maintain gc` ...
 * Outcome o = FaultCompaction.check(killed, lake, before);
 * }</pre>
 */
final class FaultCompaction {
  static final int FILES = 30;
  static final int DELETE_EVERY = 10;
  static final int K = 10;

  /**
   * The progress line {@code maintain compact} prints before it plans: kill points are timed from
   * it, so they fall in the compaction's work (plan, write, commit, index refresh), not in the
   * JVM's start.
   */
  static final String WORK_STARTS = "[maintain] compact docs ...";

  private static final int QUERIES = 24;
  private static final List<String> VALUES = List.of("lang", "year", "text", "embedding");

  private FaultCompaction() {}

  /**
   * What the lake held before the compaction: the values of each live row by id, the deleted ids,
   * the queries and the ids each returned.
   */
  record Before(
      Map<Long, List<Object>> rows, Set<Long> deleted, float[][] queries, List<List<Long>> hits) {}

  /**
   * Creates {@code docs}: {@value #FILES} files in one commit, an index, then every 10th row
   * deleted.
   */
  static void prepare(Path lake, int rows, int dim) {
    assertThat(rows % FILES).as("rows in %d equal files", FILES).isZero();
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.createCollection("docs", TestData.schema(dim), Metric.COSINE, false);
      List<float[]> vectors = vectors(rows, dim);
      try (CollectionWriter w = c.newWriter().rollingEvery(rows / FILES)) {
        for (int id = 0; id < rows; id++) {
          Record r = GenericRecord.create(c.schema());
          r.setField("id", (long) id);
          r.setField("lang", TestData.LANGS[id % 3]);
          r.setField("year", 2010 + id % 15);
          r.setField("text", "row " + id);
          r.setField("embedding", TestData.boxed(vectors.get(id)));
          w.write(r);
        }
        w.commit();
      }
      IndexParams quick = IndexParams.fromMap(Map.of("m", 8, "ef_construction", 40));
      l.indexes().build(c.refreshMetadata(), "embedding", null, quick);
      Set<String> gone = new HashSet<>();
      for (int id = 0; id < rows; id += DELETE_EVERY) {
        gone.add("row " + id);
      }
      KeyedCommit.into(c).replacingKeys("text", gone).commit("fault-deletes", List.of());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String[] compactArgs(Path lake) {
    return new String[] {"maintain", "compact", "docs", "--lakehouse", lake.toString()};
  }

  static String[] gcArgs(Path lake) {
    return new String[] {
      "maintain", "gc", "docs", "--lakehouse", lake.toString(), "--older-than", "0"
    };
  }

  /**
   * Reads the live rows and runs the queries (the vectors of live and deleted rows, and random).
   */
  static Before before(Path lake, int rows, int dim) {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.collection("docs");
      assertThat(TableState.of(c.table()).files()).as("small data files").hasSize(FILES);
      assertThat(l.indexes().describe(c)).as("indexes").hasSize(1);
      Map<Long, List<Object>> live = liveRows(c);
      assertThat(live).hasSize(rows - rows / DELETE_EVERY);
      Set<Long> deleted = new HashSet<>();
      for (long id = 0; id < rows; id += DELETE_EVERY) {
        deleted.add(id);
      }
      List<float[]> vectors = vectors(rows, dim);
      Random random = new Random(rows);
      float[][] q = new float[QUERIES][];
      for (int i = 0; i < QUERIES; i++) {
        int id = random.nextInt(rows / DELETE_EVERY) * DELETE_EVERY + (i % 3 == 0 ? 1 : 0);
        // a live row's vector, a deleted row's (it must not come back), or a random one
        q[i] = i % 3 == 2 ? TestData.vector(random, dim) : vectors.get(id);
      }
      return new Before(live, deleted, q, search(l, c, q));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Where the kill left the compaction: {@code "before its commit"}, {@code "after its commit,
   * before its index refresh"} or {@code "after its index refresh"}.
   */
  static String stateAfterKill(Path lake) {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Table table = l.collection("docs").table();
      Snapshot current = table.currentSnapshot();
      if (!"compact".equals(current.summary().get(Compaction.SUMMARY_KEY))) {
        return "before its commit";
      }
      boolean fresh =
          IndexReferences.pinnedSnapshots(table).values().stream()
              .allMatch(id -> id == current.snapshotId());
      return fresh ? "after its index refresh" : "after its commit, before its index refresh";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Counts, against {@code before}: live rows missing or with other values (lost), extra copies and
   * deleted rows back again (duplicated), and rows the index lacks or holds twice. Fails when the
   * index is stale or a search returns other ids.
   */
  static Outcome check(boolean killed, Path lake, Before before) throws IOException {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.collection("docs");
      List<Record> found =
          LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns()));
      Map<Long, Integer> copies = new HashMap<>();
      long lost = 0;
      long duplicated = 0;
      for (Record r : found) {
        long id = (Long) r.getField("id");
        copies.merge(id, 1, Integer::sum);
        List<Object> expected = before.rows().get(id);
        if (expected == null) {
          duplicated++; // a deleted row back, or a row that never was
        } else if (!expected.equals(values(r))) {
          lost++; // the row is there with other values: its own are lost
        }
      }
      for (Long id : before.rows().keySet()) {
        lost += copies.containsKey(id) ? 0 : 1;
      }
      for (int n : copies.values()) {
        duplicated += n - 1;
      }
      assertThat(OrphanFiles.of(c).olderThan(Duration.ZERO).dryRun(true).run().files())
          .as("orphan files after gc")
          .isEmpty();
      Map<String, Object> index = l.indexes().describe(c).get(0);
      assertThat(index.get("stale")).as("index after the rerun and gc").isEqualTo(false);
      long indexed = ((Number) index.get("rows")).longValue();
      long live = before.rows().size();
      lost += Math.max(0, live - indexed);
      duplicated += Math.max(0, indexed - live);
      List<List<Long>> hits = search(l, c, before.queries());
      assertThat(hits).as("search ids after compaction").isEqualTo(before.hits());
      assertThat(hits.stream().flatMap(List::stream)).doesNotContainAnyElementsOf(before.deleted());
      return new Outcome(killed, live, lost, duplicated);
    }
  }

  private static Map<Long, List<Object>> liveRows(Collection c) throws IOException {
    Map<Long, List<Object>> out = new LinkedHashMap<>();
    for (Record r :
        LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns()))) {
      out.put((Long) r.getField("id"), values(r));
    }
    return out;
  }

  private static List<String> columns() {
    List<String> all = new ArrayList<>(VALUES);
    all.add(0, "id");
    return all;
  }

  private static List<Object> values(Record r) {
    return VALUES.stream().map(r::getField).toList();
  }

  /** The ids of the top {@value #K} hits of each query, in order. */
  private static List<List<Long>> search(Lakehouse l, Collection c, float[][] q)
      throws IOException {
    Map<String, List<Long>> idsByFile = new HashMap<>();
    List<List<Long>> out = new ArrayList<>();
    for (List<SearchHit> hits : l.indexes().search(c, new SearchRequest(null, q, K, 0, null))) {
      List<Long> ids = new ArrayList<>();
      for (SearchHit h : hits) {
        List<Long> positions = idsByFile.get(h.file());
        if (positions == null) {
          positions = idsOf(c, h.file());
          idsByFile.put(h.file(), positions);
        }
        ids.add(positions.get(Math.toIntExact(h.pos())));
      }
      out.add(ids);
    }
    return out;
  }

  /** The id at each position of a data file, deleted positions included. */
  private static List<Long> idsOf(Collection c, String file) throws IOException {
    List<Long> ids = new ArrayList<>();
    try (CloseableIterable<Record> rows =
        DataFileReader.read(c.table(), file, c.schema().select("id"))) {
      rows.forEach(r -> ids.add((Long) r.getField("id")));
    }
    return ids;
  }

  /** The vectors {@link #prepare} inserts: row {@code id} gets the {@code id}th. */
  private static List<float[]> vectors(int rows, int dim) {
    Random seeded = new Random(7);
    List<float[]> out = new ArrayList<>(rows);
    for (int id = 0; id < rows; id++) {
      out.add(TestData.vector(seeded, dim));
    }
    return out;
  }
}
