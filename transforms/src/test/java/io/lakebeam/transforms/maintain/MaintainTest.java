package io.lakebeam.transforms.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Collect;
import io.lakebeam.transforms.Pipelines;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The maintenance transforms run the core engine once per collection named by the input. */
class MaintainTest {
  static final int DIM = 4;
  @TempDir Path dir;

  @Test
  void compactsAndRemovesOrphansPerCollection() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      for (String name : List.of("a", "b")) {
        Collection c = lake.createCollection(name, TestData.schema(DIM), Metric.COSINE, false);
        for (int i = 0; i < 3; i++) {
          TestData.insert(c, i * 10, 10, DIM, i);
        }
      }
      leaveUncommittedFile(lake.collection("a"));

      Pipelines.run(
          Runner.DIRECT,
          p ->
              p.apply(Create.of("a", "b"))
                  .apply(Maintain.compact(lake))
                  .apply(ParDo.of(new Collect())));
      Map<String, Row> compacted = byCollection(Collect.drain());

      assertThat(compacted.get("a").getInt32("files_rewritten")).isEqualTo(3);
      assertThat(compacted.get("b").getInt64("rows_written")).isEqualTo(30);
      for (String name : List.of("a", "b")) {
        TableState s = TableState.of(lake.collection(name).refreshMetadata().table());
        assertThat(s.files()).hasSize(1);
        assertThat(s.liveRowCount()).isEqualTo(30);
      }

      Pipelines.run(
          Runner.DIRECT,
          p ->
              p.apply(Create.of("a", "b"))
                  .apply(Maintain.removeOrphanFiles(lake).olderThan(Duration.ZERO))
                  .apply(ParDo.of(new Collect())));
      Map<String, Row> removed = byCollection(Collect.drain());

      assertThat(removed.get("a").getInt64("data_files")).isEqualTo(1);
      assertThat(removed.get("b").getInt64("data_files")).isZero();
      assertThat(TableState.of(lake.collection("a").table()).liveRowCount()).isEqualTo(30);
    }
  }

  @Test
  void validatesSettings() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      assertThatThrownBy(() -> Maintain.compact(lake).withTargetFileBytes(5))
          .hasMessageContaining("Cannot compact to files of 5 bytes");
      assertThatThrownBy(() -> Maintain.removeOrphanFiles(lake).olderThan(Duration.ofDays(-1)))
          .hasMessageContaining("give 0 or more");
    }
  }

  private static Map<String, Row> byCollection(List<Row> rows) {
    return rows.stream().collect(Collectors.toMap(r -> r.getString("collection"), r -> r));
  }

  /** A data file written but never committed, as a killed job leaves it. */
  private static void leaveUncommittedFile(Collection c) {
    try (CollectionWriter w = c.newWriter()) {
      Record r = GenericRecord.create(c.schema());
      r.setField("id", 999L);
      r.setField("embedding", TestData.boxed(new float[DIM]));
      w.write(r);
      w.finishFiles();
    }
  }
}
