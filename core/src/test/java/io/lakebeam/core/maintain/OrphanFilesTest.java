package io.lakebeam.core.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Orphan removal deletes what killed jobs left (an uncommitted data file, an unregistered index
 * segment) and index files no manifest references any more, but never a referenced file nor one
 * younger than the safety age. Ages are set on the files, not waited for.
 */
class OrphanFilesTest {
  static final int DIM = 8;
  static final Instant TWO_DAYS_AGO = Instant.now().minus(Duration.ofDays(2));
  @TempDir Path dir;

  @Test
  void removesOldOrphansButNotYoungOrReferencedFiles() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      Path killedData = local(uncommittedFile(c));
      Path killedSegment = local(c.table().location() + "/lakebeam-index/field-99/segment-x.graph");
      Files.createDirectories(killedSegment.getParent());
      Files.write(killedSegment, new byte[100]);
      ageEverything();
      Path young = local(uncommittedFile(c)); // a write still in flight

      OrphanFiles.Result dry = OrphanFiles.of(c).dryRun(true).run();

      assertThat(dry.files())
          .extracting(o -> local(o.location()))
          .containsExactlyInAnyOrder(killedData, killedSegment);
      assertThat(dry.count("data")).isEqualTo(1);
      assertThat(dry.count("index")).isEqualTo(1);
      assertThat(dry.bytes()).isEqualTo(Files.size(killedData) + 100);
      assertThat(killedData).exists();

      OrphanFiles.Result r = OrphanFiles.of(c).run();

      assertThat(r.files()).hasSize(2);
      assertThat(killedData).doesNotExist();
      assertThat(killedSegment).doesNotExist();
      assertThat(young).exists();
    }
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.collection("docs");
      assertThat(lake.indexes().search(c, query()).get(0)).hasSize(5);
      assertThat(CompactionTest.allIds(c)).hasSize(200);
    }
  }

  @Test
  void removesTheFilesOfAReplacedIndexOnceNoServerCanUseThem() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      List<Path> firstBuild = indexFiles();
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      ageEverything();

      // the replaced index was in force a moment ago: a server may still be searching it
      assertThat(OrphanFiles.of(c).run().files()).isEmpty();
      OrphanFiles.Result r = OrphanFiles.of(c).olderThan(Duration.ZERO).run();

      assertThat(r.files())
          .extracting(o -> local(o.location()))
          .containsExactlyInAnyOrderElementsOf(firstBuild);
      assertThat(r.count("data")).isZero();
    }
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      assertThat(lake.indexes().search(lake.collection("docs"), query()).get(0)).hasSize(5);
    }
  }

  @Test
  void aCompactionKilledBeforeItsCommitLeavesOnlyOrphansThatGcRemoves() throws IOException {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = indexed(lake);
      long snapshot = c.snapshotId();
      CompactionPlan killed = Compaction.of(c).plan();
      killed.writeFiles(); // ... and the process dies here

      assertThat(c.refreshMetadata().snapshotId()).isEqualTo(snapshot);
      OrphanFiles.Result r = OrphanFiles.of(c).olderThan(Duration.ZERO).run();
      assertThat(r.count("data")).isEqualTo(1);
      assertThat(r.count("index")).isZero();
      Compaction.Result rerun = Compaction.of(c).run();
      assertThat(rerun.filesRewritten()).isEqualTo(2);
      assertThat(CompactionTest.allIds(c)).hasSize(200).doesNotHaveDuplicates();
      // left now: the row map and manifest of the index before its carry-over, no data file
      OrphanFiles.Result after = OrphanFiles.of(c).olderThan(Duration.ZERO).run();
      assertThat(after.count("data")).isZero();
      assertThat(after.files())
          .extracting(OrphanFiles.Orphan::location)
          .allMatch(l -> l.endsWith(".rows") || l.endsWith(".puffin"));
    }
  }

  private static SearchRequest query() {
    return new SearchRequest(null, new float[][] {TestData.vector(new Random(1), DIM)}, 5, 0, null);
  }

  private static Collection indexed(Lakehouse lake) {
    Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
    TestData.insert(c, 0, 100, DIM, 1);
    TestData.insert(c, 100, 100, DIM, 2);
    c.refreshMetadata();
    lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    return c;
  }

  /** A data file written but never committed, as a killed job leaves it. */
  private static String uncommittedFile(Collection c) {
    try (CollectionWriter w = c.newWriter()) {
      Record r = GenericRecord.create(c.schema());
      r.setField("id", 999L);
      r.setField("embedding", TestData.boxed(new float[DIM]));
      w.write(r);
      List<DataFile> files = w.finishFiles();
      return files.get(0).path().toString();
    }
  }

  /** The index segment files and manifests now on disk. */
  private List<Path> indexFiles() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .filter(
              p ->
                  p.toString().contains("/lakebeam-index/")
                      || p.getFileName().toString().startsWith("lakebeam-index-"))
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .toList();
    }
  }

  private void ageEverything() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        Files.setLastModifiedTime(p, FileTime.from(TWO_DAYS_AGO));
      }
    }
  }

  private static Path local(String location) {
    String s = OrphanFiles.normalise(location);
    return Path.of(s);
  }
}
