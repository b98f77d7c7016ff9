package io.lakebeam.transforms.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
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
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SimpleFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteBackColumnsTest {
  private static final Schema ROWS =
      Schema.builder()
          .addStringField("id")
          .addInt64Field("n")
          .addField(VectorOptions.field("embedding", 2, "toy@1"))
          .build();

  @TempDir Path dir;
  private Lakehouse lake;

  @BeforeEach
  void open() {
    lake = Lakehouse.open(dir.toString());
    List<Row> rows =
        IntStream.range(0, 50)
            .mapToObj(
                i -> Row.withSchema(ROWS).addValues("r" + i, (long) i, List.of(1f, i * 1f)).build())
            .toList();
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Create.of(rows).withRowSchema(ROWS))
                .apply(Lake.write(lake, "t.rows").withRowsPerFile(20)));
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
  }

  /** Adds a computed {@code twice = n * factor}, or null for odd n when {@code skipOdd}. */
  static final class Twice extends SimpleFunction<Row, Row> {
    private final ComputedColumns.Appender appender;
    private final long factor;

    Twice(Schema in, long factor) {
      Schema out =
          ComputedColumns.extend(in, List.of(ComputedColumns.field("twice", FieldType.INT64)));
      this.appender = new ComputedColumns.Appender(in, out, 1);
      this.factor = factor;
    }

    @Override
    public Row apply(Row r) {
      return appender.append(r, r.getInt64("n") * factor);
    }
  }

  private void curate(Runner runner, long factor) {
    Pipelines.run(
        runner,
        p -> {
          PCollection<Row> rows = p.apply(Lake.read(lake, "t.rows"));
          Twice fn = new Twice(rows.getSchema(), factor);
          rows.apply(MapElements.via(fn))
              .setRowSchema(fn.appender.schema())
              .apply(Lake.writeBackColumns(lake, "t.rows"))
              .apply(ParDo.of(new Collect()));
        });
  }

  private Map<String, Object> column(String name) {
    Collection c = lake.collection("t.rows").refreshMetadata();
    return LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema()).stream()
        .collect(
            Collectors.toMap(
                r -> (String) r.getField("id"), r -> String.valueOf(r.getField(name))));
  }

  @Test
  void writesAComputedColumnAndRerunsReplaceIt() {
    long before = lake.collection("t.rows").snapshotId();
    curate(Runner.DIRECT, 2);
    List<Row> summary = Collect.drain();
    assertThat(summary).hasSize(1);
    assertThat(summary.get(0).getString("added_columns")).isEqualTo("twice");
    assertThat(summary.get(0).getInt64("rows_with_values")).isEqualTo(50);
    assertThat(column("twice")).hasSize(50).containsEntry("r7", "14");

    curate(Runner.FLINK, 3);
    assertThat(Collect.drain().get(0).getString("added_columns")).isEmpty();
    assertThat(column("twice")).hasSize(50).containsEntry("r7", "21");
    assertThat(column("embedding").get("r7")).isEqualTo("[1.0, 7.0]");
    // time travel: the first snapshot is unchanged
    Collection c = lake.collection("t.rows");
    List<Record> old =
        LiveRows.readAll(c.table(), TableState.of(c.table(), before), c.schema().select("id"));
    assertThat(old).hasSize(50);
  }

  @Test
  void rowsWithoutPositionsAreRefusedBeforeTheRun() {
    Pipeline p = Pipeline.create();
    PCollection<Row> rows = p.apply(Create.of(new ArrayList<Row>()).withRowSchema(ROWS));
    assertThatThrownBy(() -> rows.apply(Lake.writeBackColumns(lake, "t.rows")))
        .hasMessageContaining("carry no _file/_pos")
        .hasMessageContaining("Lake.read");
  }

  @Test
  void nothingToWriteIsRefused() {
    Pipeline p = Pipeline.create();
    PCollection<Row> rows = p.apply(Lake.read(lake, "t.rows"));
    assertThatThrownBy(() -> rows.apply(Lake.writeBackColumns(lake, "t.rows")))
        .hasMessageContaining("no computed field");
  }
}
