package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.PackageTable;
import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.KeyedCommit;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakebeam maintain compact|expire|gc} end to end on one lakehouse: compaction applies
 * deletes and carries the index, expiry keeps the snapshot a stored context package pins, gc lists
 * then removes the files the index no longer references, and search still answers.
 */
class MaintainCommandTest {
  static final int DIM = 8;
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void compactExpireGcKeepRowsPinsAndSearch() throws Exception {
    String lake = dir.resolve("lake").toString();
    List<Long> snapshots = new ArrayList<>();
    float[][] q = {TestData.vector(new Random(5), DIM)};
    List<Long> before;
    try (Lakehouse l = Lakehouse.open(lake)) {
      Collection c = l.createCollection("kb.chunks", TestData.schema(DIM), Metric.COSINE, false);
      for (int i = 0; i < 5; i++) {
        TestData.insert(c, i * 50, 50, DIM, i);
        snapshots.add(c.refreshMetadata().snapshotId());
      }
      KeyedCommit.into(c).replacingKeys("text", Set.of("row 3", "row 60")).commit("d", List.of());
      l.indexes().build(c.refreshMetadata(), "embedding", null, IndexParams.defaults());
      pinInAPackage(l, snapshots.get(1));
      before = ids(l, q);
    }

    Run compact = run("maintain", "compact", "kb.chunks", "--lakehouse", lake);

    assertThat(compact.code()).as(compact.err()).isZero();
    assertThat(compact.err()).contains("[maintain] compact kb.chunks: 5 files -> 1 (248 rows");
    assertThat(compact.out())
        .contains("\"deleted_rows_applied\" : 2")
        .contains("\"mode\" : \"carried\"");

    Run expire =
        run(
            "maintain",
            "expire",
            "--all",
            "--lakehouse",
            lake,
            "--older-than",
            "0",
            "--retain-last",
            "1");

    assertThat(expire.code()).as(expire.err()).isZero();
    assertThat(expire.err()).contains("[maintain] expire kb.chunks: 5 snapshots expired");
    try (Lakehouse l = Lakehouse.open(lake)) {
      List<Long> left = new ArrayList<>();
      for (Snapshot s : l.collection("kb.chunks").table().snapshots()) {
        left.add(s.snapshotId());
      }
      assertThat(left).hasSize(2).contains(snapshots.get(1)); // the package's, and the current
    }

    Run dry =
        run("maintain", "gc", "kb.chunks", "--lakehouse", lake, "--older-than", "0", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.err()).contains("would remove");
    assertThat(dry.out()).contains(".rows").contains("lakebeam-index-field-");
    Run gc = run("maintain", "gc", "kb.chunks", "--lakehouse", lake, "--older-than", "0");
    assertThat(gc.code()).as(gc.err()).isZero();
    assertThat(gc.err()).contains("[maintain] gc kb.chunks: removed");
    Run again = run("maintain", "gc", "kb.chunks", "--lakehouse", lake, "--older-than", "0");
    assertThat(again.err()).contains("removed 0 orphan files");

    try (Lakehouse l = Lakehouse.open(lake)) {
      assertThat(ids(l, q)).isEqualTo(before);
      assertThat(TableState.of(l.collection("kb.chunks").table()).liveRowCount()).isEqualTo(248);
    }
  }

  @Test
  void errorsSayWhatToDo() {
    String lake = dir.resolve("lake").toString();
    Run none = run("maintain", "gc", "--lakehouse", lake);
    assertThat(none.code()).isEqualTo(1);
    assertThat(none.err()).contains("name one or more, or give --all");
    Run age = run("maintain", "expire", "--all", "--lakehouse", lake, "--older-than", "7x");
    assertThat(age.code()).isEqualTo(1);
    assertThat(age.err()).contains("Cannot parse age '7x'").contains("7d or 12h");
  }

  private static void pinInAPackage(Lakehouse l, long snapshotId) {
    Collection packages = PackageTable.ensure(l, "context.packages");
    ContextPackage p =
        new ContextPackage(
            "support-kb",
            "key rotation",
            0,
            "key rotation",
            "[1] text",
            List.of(),
            2,
            1,
            0,
            "sha256:x",
            "{}",
            "sha256:y",
            "kb.chunks",
            "embedding",
            snapshotId,
            "m@1",
            "m@1",
            "build-1",
            null);
    PackageTable.commit(packages, List.of(p), "build-1");
  }

  private static List<Long> ids(Lakehouse l, float[][] q) {
    Collection c = l.collection("kb.chunks");
    return idsOf(c, l.indexes().search(c, new SearchRequest(null, q, 5, 0, null)).get(0));
  }

  private static List<Long> idsOf(Collection c, List<SearchHit> hits) {
    List<Long> out = new ArrayList<>();
    for (SearchHit h : hits) {
      List<Object> ids = new ArrayList<>();
      try (var rows =
          io.lakebeam.core.read.DataFileReader.read(c.table(), h.file(), c.schema().select("id"))) {
        long pos = 0;
        for (var r : rows) {
          if (pos++ == h.pos()) {
            ids.add(r.getField("id"));
            break;
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      out.add((Long) ids.get(0));
    }
    return out;
  }
}
