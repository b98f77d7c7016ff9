package io.lakebeam.transforms.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Collect;
import io.lakebeam.transforms.Pipelines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LakeWriteTest {
  private static final Schema ROWS =
      Schema.builder()
          .addStringField("id")
          .addStringField("group")
          .addInt64Field("n")
          .addField(VectorOptions.field("embedding", 3, "toy@1"))
          .build();

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

  private static Row row(String id, String group, long n, float... v) {
    List<Float> vector = new ArrayList<>();
    for (float x : v) {
      vector.add(x);
    }
    return Row.withSchema(ROWS).addValues(id, group, n, vector).build();
  }

  private static List<Row> rows(String group, int count, long n) {
    return IntStream.range(0, count)
        .mapToObj(i -> row(group + "-" + i, group, n, i, 1, 0))
        .toList();
  }

  private Map<String, Long> readBack(String name) {
    Collection c = lake.collection(name).refreshMetadata();
    List<Row> out = new ArrayList<>();
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Lake.read(lake, name).withColumns("id", "n"))
                .apply(org.apache.beam.sdk.transforms.ParDo.of(new Collect())));
    assertThat(c.vectorField("embedding").model()).isEqualTo("toy@1");
    return Collect.drain().stream()
        .collect(Collectors.toMap(r -> r.getString("id"), r -> r.getInt64("n")));
  }

  @Test
  void createsTheTableAndCommitsEveryRowOnce() {
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Create.of(rows("a", 500, 1)).withRowSchema(ROWS))
                .apply(Lake.write(lake, "t.items").withRowsPerFile(100)));
    Collection c = lake.collection("t.items");
    assertThat(TableState.of(c.table()).rowCount()).isEqualTo(500);
    assertThat(c.table().snapshots()).hasSize(1);
    assertThat(c.liveFiles().size()).isBetween(5, 8);
    assertThat(readBack("t.items")).hasSize(500).containsEntry("a-7", 1L);
  }

  @Test
  void replaceKeySwapsTheRowsOfAGroupInOneCommit() {
    Pipelines.run(
        Runner.DIRECT,
        p -> {
          List<Row> all = new ArrayList<>(rows("a", 10, 1));
          all.addAll(rows("b", 10, 1));
          p.apply(Create.of(all).withRowSchema(ROWS))
              .apply(Lake.write(lake, "t.items").withReplaceKey("group"));
        });
    long before = lake.collection("t.items").snapshotId();
    // Group a shrinks to 4 rows with a new n; group b is untouched.
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Create.of(rows("a", 4, 2)).withRowSchema(ROWS))
                .apply(Lake.write(lake, "t.items").withReplaceKey("group")));
    Map<String, Long> now = readBack("t.items");
    assertThat(now).hasSize(14);
    assertThat(now.entrySet().stream().filter(e -> e.getKey().startsWith("a-")))
        .hasSize(4)
        .allSatisfy(e -> assertThat(e.getValue()).isEqualTo(2L));
    Snapshot latest = lake.collection("t.items").table().currentSnapshot();
    assertThat(latest.parentId()).isEqualTo(before);
    assertThat(latest.summary()).containsEntry("added-position-deletes", "10");
    // The previous snapshot still reads the old rows (time travel).
    assertThat(TableState.of(lake.collection("t.items").table(), before).rowCount()).isEqualTo(20);
  }

  @Test
  void rowsThatDoNotFitGoToTheFailuresTableAndTheRestIsWritten() {
    Pipelines.run(
        Runner.DIRECT,
        p -> {
          try (BadRecordErrorHandler<PCollection<Row>> failures =
              p.registerBadRecordErrorHandler(Lake.writeFailures(lake, "t.failures"))) {
            List<Row> all = new ArrayList<>(rows("a", 5, 1));
            all.add(row("bad-dim", "a", 1, 1, 2));
            all.add(row("bad-nan", "a", 1, 1, Float.NaN, 0));
            p.apply(Create.of(all).withRowSchema(ROWS))
                .apply(Lake.write(lake, "t.items").withBadRecordErrorHandler(failures));
          }
        });
    assertThat(TableState.of(lake.collection("t.items").table()).liveRowCount()).isEqualTo(5);
    List<Row> failures = new ArrayList<>();
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Lake.read(lake, "t.failures"))
                .apply(org.apache.beam.sdk.transforms.ParDo.of(new Collect())));
    failures.addAll(Collect.drain());
    assertThat(failures).hasSize(2);
    assertThat(failures)
        .extracting(r -> r.getString("uri"))
        .containsExactlyInAnyOrder("bad-dim", "bad-nan");
    assertThat(failures)
        .allSatisfy(
            r -> {
              assertThat(r.getString("stage")).isEqualTo("write");
              assertThat(r.getString("reason")).contains("Cannot insert row");
            });
  }

  @Test
  void rowsThatDoNotMatchAnExistingTableFailBeforeThePipelineRuns() {
    lake.createCollection(
        "t.items",
        Map.of("id", "string", "embedding", "float_vector(8)"),
        io.lakebeam.core.lake.Metric.COSINE,
        false);
    assertThatThrownBy(
            () ->
                Pipelines.run(
                    Runner.DIRECT,
                    p ->
                        p.apply(Create.of(rows("a", 1, 1)).withRowSchema(ROWS))
                            .apply(Lake.write(lake, "t.items"))))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("vector 'embedding' has dimension 3 but the table's has 8")
        .hasMessageContaining("column 'group' does not exist");
  }
}
