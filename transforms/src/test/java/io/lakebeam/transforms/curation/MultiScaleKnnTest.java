package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/** The default anomaly method finds isolated rows and small junk groups; kNN distance is masked. */
class MultiScaleKnnTest {
  @TempDir Path dir;
  private Lakehouse lake;

  @BeforeEach
  void open() {
    lake = Lakehouse.open(dir.toString());
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
  }

  @Test
  void ranksIsolatedRowsAndJunkGroupsAboveTheBackground() {
    AnomalyTestData data = AnomalyTestData.create(lake, 13);
    Collection c = lake.collection("t.vectors");
    lake.indexes().build(c, "embedding", null, IndexParams.defaults());
    // rows no algorithm can use, appended after the index was built
    appendRaw(c, "bad-null", null);
    appendRaw(c, "bad-dim", List.of(1f, 2f, 3f));

    Pipelines.runUnchecked(
        Runner.DIRECT,
        p -> {
          try (BadRecordErrorHandler<PCollection<Row>> failures =
              p.registerBadRecordErrorHandler(Lake.writeFailures(lake, "t.failures"))) {
            p.apply(Lake.read(lake, "t.vectors"))
                .apply(
                    Anomalies.multiScaleKnn()
                        .withTopFraction(0.02)
                        .withBadRecordErrorHandler(failures))
                .apply(
                    Anomalies.knnDistance()
                        .toFields("knn_score", "is_knn_anomaly")
                        .withBadRecordErrorHandler(failures))
                .apply(Lake.writeBackColumns(lake, "t.vectors"));
          }
        });

    Map<String, Record> rows = rows(c);
    assertThat(rows).hasSize(data.kind.size() + 2);
    Map<String, Double> score = scores(data, rows, "anomaly_score");
    System.out.println(
        +data.auc(score, 1)
            + " "
            + data.auc(score, 2)
            + " knn "
            + data.auc(scores(data, rows, "knn_score"), 1)
            + " "
            + data.auc(scores(data, rows, "knn_score"), 2));
    for (int size : AnomalyTestData.GROUPS)
      assertThat(data.auc(score, 1)).as("AUC, isolated rows").isGreaterThanOrEqualTo(0.95);
    assertThat(data.auc(score, 2)).as("AUC, junk groups").isGreaterThanOrEqualTo(0.95);
    for (int size : AnomalyTestData.GROUPS) {
      assertThat(groupAuc(data, score, size)).as("AUC, junk group of %d", size).isGreaterThan(0.9);
    }
    // the flagged 2% holds most planted rows
    long planted = data.kind.values().stream().filter(k -> k > 0).count();
    long caught =
        data.kind.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .filter(e -> Boolean.TRUE.equals(rows.get(e.getKey()).getField("is_anomaly")))
            .count();
    assertThat(caught).isGreaterThanOrEqualTo(planted * 9 / 10);
    // the plain kNN distance, same table: the groups are masked
    Map<String, Double> knn = scores(data, rows, "knn_score");
    assertThat(data.auc(knn, 1)).isGreaterThanOrEqualTo(0.95);
    assertThat(data.auc(knn, 2)).isLessThan(0.5);
    // unusable rows: null columns and a reason in the failures table
    assertThat(rows.get("bad-null").getField("anomaly_score")).isNull();
    assertThat(rows.get("bad-dim").getField("is_anomaly")).isNull();
    Collection failed = lake.collection("t.failures");
    List<String> reasons =
        LiveRows.readAll(failed.table(), TableState.of(failed.table()), failed.schema()).stream()
            .map(r -> (String) r.getField("reason"))
            .toList();
    assertThat(reasons.stream().filter(r -> r.contains("vector 'embedding' is null")))
        .hasSize(2); // once per transform
    assertThat(reasons.stream().filter(r -> r.contains("has dimension 3, but the field's is 32")))
        .hasSize(2);
  }

  @Test
  void rejectsBadSettingsAndATableWithoutIndex() {
    lake.createCollection(
        "t.vectors", AnomalyTestData.schema(), io.lakebeam.core.lake.Metric.COSINE, false);
    assertThatThrownBy(() -> Anomalies.multiScaleKnn().withMaxK(4))
        .hasMessageContaining("Cannot use max k = 4: use 8-1000");
    assertThatThrownBy(() -> Anomalies.multiScaleKnn().withTopFraction(0.6))
        .hasMessageContaining("Cannot flag fraction 0.6");
    Pipeline p = Pipeline.create(Runners.options(Runner.DIRECT));
    PCollection<Row> rows = p.apply(Lake.read(lake, "t.vectors"));
    assertThatThrownBy(() -> rows.apply(Anomalies.multiScaleKnn()))
        .hasMessageContaining("it has no vector index")
        .hasMessageContaining("./lakebeam index build t.vectors --field embedding");
    assertThatThrownBy(() -> rows.apply(Anomalies.multiScaleKnn().onVector("missing")))
        .hasMessageContaining("missing");
  }

  private static double groupAuc(AnomalyTestData data, Map<String, Double> score, int size) {
    AnomalyTestData only = new AnomalyTestData();
    data.kind.forEach(
        (id, k) -> {
          if (k == 0 || id.startsWith("junk" + size + "-")) {
            only.kind.put(id, k);
          }
        });
    return only.auc(score, 2);
  }

  private static Map<String, Double> scores(
      AnomalyTestData data, Map<String, Record> rows, String field) {
    Map<String, Double> out = new HashMap<>();
    for (String id : data.kind.keySet()) {
      out.put(id, (Double) rows.get(id).getField(field));
    }
    return out;
  }

  private static Map<String, Record> rows(Collection c) {
    Collection fresh = c.refreshMetadata();
    Map<String, Record> out = new HashMap<>();
    for (Record r : LiveRows.readAll(fresh.table(), TableState.of(fresh.table()), fresh.schema())) {
      out.put((String) r.getField("chunk_id"), r);
    }
    return out;
  }

  /** Appends one row with the plain Iceberg API (as another engine would, without checks). */
  private static void appendRaw(Collection c, String id, List<Float> vector) {
    try {
      Record r = GenericRecord.create(c.table().schema());
      r.setField("chunk_id", id);
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
