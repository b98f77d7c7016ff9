package io.lakebeam.transforms.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
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
  void refreshAfterAWriteBackCarriesTheIndexOver() {
    // 9,000 rows: above the exact-scoring shortcut of an index segment
    int n = 9_000;
    int dim = 8;
    Schema schema =
        Schema.builder()
            .addStringField("id")
            .addInt64Field("n")
            .addField(VectorOptions.field("embedding", dim, "toy@1"))
            .build();
    java.util.Random rnd = new java.util.Random(3);
    List<List<Float>> vectors = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      List<Float> v = new ArrayList<>();
      for (int d = 0; d < dim; d++) {
        v.add((float) rnd.nextGaussian());
      }
      vectors.add(v);
      rows.add(Row.withSchema(schema).addValues("v" + i, (long) i, v).build());
    }
    Pipelines.run(
        Runner.DIRECT,
        p ->
            p.apply(Create.of(rows).withRowSchema(schema))
                .apply(Lake.write(lake, "t.vectors").withRowsPerFile(3_000)));
    Collection c = lake.collection("t.vectors");
    lake.indexes().build(c, "embedding", null, IndexParams.defaults());

    Pipelines.run(
        Runner.DIRECT,
        p -> {
          PCollection<Row> in = p.apply(Lake.read(lake, "t.vectors"));
          Twice fn = new Twice(in.getSchema(), 2);
          in.apply(MapElements.via(fn))
              .setRowSchema(fn.appender.schema())
              .apply(Lake.writeBackColumns(lake, "t.vectors"))
              .apply(ParDo.of(new Collect()));
        });
    Collect.drain();
    c.refreshMetadata();
    IndexService.BuildResult r = lake.indexes().refresh(c).get(0);

    assertThat(r.mode()).isEqualTo("carried");
    assertThat(r.rowsCarried()).isEqualTo(n);
    assertThat(r.rowsBuilt()).isZero();
    Map<String, Map<Long, Record>> byFile = new java.util.HashMap<>();
    for (int i : new int[] {0, 4_321, 8_999}) {
      float[] q = new float[dim];
      for (int d = 0; d < dim; d++) {
        q[d] = vectors.get(i).get(d);
      }
      SearchHit hit =
          lake.indexes()
              .search(c, new SearchRequest(null, new float[][] {q}, 1, 0, null))
              .get(0)
              .get(0);
      Record row = byFile.computeIfAbsent(hit.file(), f -> rowsOf(c, f)).get(hit.pos());
      assertThat(row.getField("id")).isEqualTo("v" + i);
      assertThat(row.getField("twice")).isEqualTo(2L * i);
    }
  }

  private static Map<Long, Record> rowsOf(Collection c, String file) {
    Map<Long, Record> out = new java.util.HashMap<>();
    try (var in = io.lakebeam.core.read.DataFileReader.read(c.table(), file, c.schema())) {
      long pos = 0;
      for (Record r : in) {
        out.put(pos++, r.copy());
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
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
