package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.RowPositions;
import java.util.Iterator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Joins per-row results (keyed by {@link RowPositions#rowId}) back onto the rows as new fields;
 * rows without a result get {@code defaults.apply(row)}.
 */
final class AttachResults extends PTransform<PCollection<Row>, PCollection<Row>> {
  private static final TupleTag<Row> ROWS = new TupleTag<>() {};
  private static final TupleTag<Row> RESULTS = new TupleTag<>() {};

  private final PCollection<KV<String, Row>> results;
  private final List<Schema.Field> fields;
  private final SerializableFunction<Row, Object[]> defaults;

  /** {@code results} values are rows of exactly {@code fields}. */
  AttachResults(
      PCollection<KV<String, Row>> results,
      List<Schema.Field> fields,
      SerializableFunction<Row, Object[]> defaults) {
    this.results = results;
    this.fields = fields;
    this.defaults = defaults;
  }

  static Schema resultSchema(List<Schema.Field> fields) {
    return Schema.builder().addFields(fields).build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    Schema out = ComputedColumns.extend(in, fields);
    ComputedColumns.Appender appender = new ComputedColumns.Appender(in, out, fields.size());
    PCollection<KV<String, Row>> keyed =
        rows.apply(
                "Key rows",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.rows()))
                    .via((Row r) -> KV.of(RowPositions.rowId(r), r)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(in)));
    return KeyedPCollectionTuple.of(ROWS, keyed)
        .and(RESULTS, results)
        .apply("Join results", CoGroupByKey.create())
        .apply("Add fields", ParDo.of(new AddFn(appender, defaults)))
        .setRowSchema(out);
  }

  private static final class AddFn extends DoFn<KV<String, CoGbkResult>, Row> {
    private final ComputedColumns.Appender appender;
    private final SerializableFunction<Row, Object[]> defaults;

    AddFn(ComputedColumns.Appender appender, SerializableFunction<Row, Object[]> defaults) {
      this.appender = appender;
      this.defaults = defaults;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> joined, OutputReceiver<Row> out) {
      Iterator<Row> result = joined.getValue().getAll(RESULTS).iterator();
      Row values = result.hasNext() ? result.next() : null;
      for (Row row : joined.getValue().getAll(ROWS)) {
        out.output(
            appender.append(
                row, values == null ? defaults.apply(row) : values.getValues().toArray()));
      }
    }
  }
}
