package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.KeyedCommit;
import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows no algorithm can use, and a table that changes under the job. */
class CurationBadInputTest {
  @TempDir Path dir;
  private Lakehouse lake;

  @BeforeEach
  void open() {
    lake = Lakehouse.open(dir.toString());
    CurationTestData.create(lake);
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
  }

  @Test
  void unusableRowsGoToFailuresAndKeepNullColumns() throws Exception {
    Collection c = lake.collection("t.chunks");
    appendRaw(c, "bad-null", "some words here for the text", null);
    appendRaw(c, "bad-dim", "other words for this one", List.of(1f, 2f, 3f));
    appendRaw(c, "bad-empty", "  ...  ", CurationTestData.boxed(new float[CurationTestData.DIM]));

    Pipelines.runUnchecked(
        Runner.DIRECT,
        p -> {
          try (BadRecordErrorHandler<PCollection<Row>> failures =
              p.registerBadRecordErrorHandler(Lake.writeFailures(lake, "t.failures"))) {
            p.apply(Lake.read(lake, "t.chunks"))
                .apply(Dedup.nearDuplicates().withBadRecordErrorHandler(failures))
                .apply(
                    Cluster.kMeans().withK(3).withIterations(2).withBadRecordErrorHandler(failures))
                .apply(Lake.writeBackColumns(lake, "t.chunks"));
          }
        });

    Map<String, Record> rows = rows(c);
    assertThat(rows).hasSize(65);
    assertThat(rows.get("bad-null").getField("cluster_id")).isNull();
    assertThat(rows.get("bad-dim").getField("cluster_id")).isNull();
    assertThat(rows.get("bad-empty").getField("dup_group")).isNull();
    assertThat(rows.get("bad-null").getField("dup_group")).isEqualTo("bad-null");
    assertThat(rows.get("c010").getField("cluster_id")).isNotNull();
    Collection failed = lake.collection("t.failures");
    List<String> reasons =
        LiveRows.readAll(failed.table(), TableState.of(failed.table()), failed.schema()).stream()
            .map(r -> r.getField("stage") + ": " + r.getField("reason"))
            .toList();
    assertThat(reasons)
        .hasSize(3)
        .anyMatch(r -> r.contains("vector 'embedding' is null"))
        .anyMatch(r -> r.contains("has dimension 3, but the field's is 8"))
        .anyMatch(r -> r.contains("field 'text' is empty"));
  }

  @Test
  void rowsReplacedUnderTheJobFailItAndARerunSucceeds() throws Exception {
    Collection c = lake.collection("t.chunks");
    Pipeline p = Pipeline.create(Runners.options(Runner.DIRECT));
    p.apply(Lake.read(lake, "t.chunks"))
        .apply(Cluster.kMeans().withK(3).withIterations(1))
        .apply(Lake.writeBackColumns(lake, "t.chunks"));
    // another job replaces a row after this one planned its rewrite
    try (var w = c.newWriter()) {
      KeyedCommit.into(c)
          .replacingKeys("chunk_id", Set.of("c003"))
          .commit("other", w.finishFiles());
    }
    long changed = c.refreshMetadata().snapshotId();

    assertThatThrownBy(() -> p.run().waitUntilFinish())
        .hasMessageContaining("the table changed under the job")
        .hasMessageContaining("run the job again");
    assertThat(c.refreshMetadata().snapshotId()).isEqualTo(changed);
    assertThat(c.schema().findField("cluster_id")).isNull();

    Pipelines.runUnchecked(
        Runner.DIRECT,
        q ->
            q.apply(Lake.read(lake, "t.chunks"))
                .apply(Cluster.kMeans().withK(3).withIterations(1))
                .apply(Lake.writeBackColumns(lake, "t.chunks")));
    assertThat(rows(c))
        .hasSize(61)
        .allSatisfy((id, r) -> assertThat(r.getField("cluster_id")).isNotNull());
  }

  @Test
  void rowsAppendedDuringTheJobAreKept() {
    Collection c = lake.collection("t.chunks");
    Pipeline p = Pipeline.create(Runners.options(Runner.DIRECT));
    p.apply(Lake.read(lake, "t.chunks"))
        .apply(Cluster.kMeans().withK(3).withIterations(1))
        .apply(Lake.writeBackColumns(lake, "t.chunks"));
    appendRaw(
        c,
        "late",
        "a row appended while the job ran",
        CurationTestData.boxed(new float[] {1, 0, 0, 0, 0, 0, 0, 0}));

    p.run().waitUntilFinish();

    Map<String, Record> rows = rows(c);
    assertThat(rows).hasSize(63);
    assertThat(rows.get("late").getField("cluster_id")).isNull();
    assertThat(rows.get("c001").getField("cluster_id")).isNotNull();
  }

  /** Appends one row with the plain Iceberg API (as another engine would, without checks). */
  private static void appendRaw(Collection c, String id, String text, List<Float> vector) {
    try {
      Record r = GenericRecord.create(c.table().schema());
      r.setField("chunk_id", id);
      r.setField("text", text);
      r.setField("embedding", vector);
      String path = c.table().locationProvider().newDataLocation(id + ".parquet");
      DataWriter<Record> w =
          Parquet.writeData(c.table().io().newOutputFile(path))
              .schema(c.table().schema())
              .createWriterFunc(GenericParquetWriter::buildWriter)
              .withSpec(PartitionSpec.unpartitioned())
              .overwrite()
              .build();
      try (w) {
        w.write(r);
      }
      DataFile f = w.toDataFile();
      c.table().newAppend().appendFile(f).commit();
      c.refreshMetadata();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static Map<String, Record> rows(Collection c) {
    Collection fresh = c.refreshMetadata();
    Map<String, Record> out = new HashMap<>();
    for (Record r : LiveRows.readAll(fresh.table(), TableState.of(fresh.table()), fresh.schema())) {
      out.put((String) r.getField("chunk_id"), r);
    }
    return out;
  }
}
