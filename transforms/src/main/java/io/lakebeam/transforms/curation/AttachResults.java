package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.RowPositions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.join.CoGbkResult;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Joins per-row results (keyed by {@link RowPositions#rowId}) back onto the rows as new fields;
 * rows without a result get {@code defaults.apply(row)}. Like a query engine's join, it broadcasts
 * the smaller side when it can: while the source collection has at most {@link #BROADCAST_ROWS}
 * rows, the results are gathered in one combine and looked up from a side input by rows grouped per
 * data file once the results are complete, so no row is shuffled; beyond that (or for rows of
 * unknown origin), rows and results meet in a join per data file.
 */
final class AttachResults extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** The most rows whose results are broadcast (a few hundred MB of heap at most). */
  static final long BROADCAST_ROWS = 2_000_000;

  private static final TupleTag<Row> ROWS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Row>> RESULTS = new TupleTag<>() {};

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

  /** The data file of a row id ({@code <file>#<pos>}). */
  static String fileOf(String rowId) {
    return rowId.substring(0, rowId.lastIndexOf('#'));
  }

  static Schema resultSchema(List<Schema.Field> fields) {
    return Schema.builder().addFields(fields).build();
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    Schema out = ComputedColumns.extend(in, fields);
    ComputedColumns.Appender appender = new ComputedColumns.Appender(in, out, fields.size());
    if (SourceRows.upperBound(in) <= BROADCAST_ROWS) {
      Schema resultSchema = resultSchema(fields);
      PCollection<ResultMap> gathered =
          results.apply(
              "Gather results", Combine.globally(new ResultMap.Fn(resultSchema)).withoutDefaults());
      PCollectionView<ResultMap> view =
          gathered.apply(
              "Results",
              View.<ResultMap>asSingleton()
                  .withDefaultValue(new ResultMap(new java.util.HashMap<>())));
      return rows.apply("Rows by file", new RowsByFile(gathered))
          .apply(
              "Look up results",
              ParDo.of(new LookUpFn(view, appender, defaults)).withSideInputs(view))
          .setRowSchema(out);
    }
    PCollection<KV<String, Row>> keyed =
        rows.apply("Key rows by file", ParDo.of(new KeyRowsByFile()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(in)));
    PCollection<KV<String, KV<String, Row>>> byFile =
        results
            .apply("Key results by file", ParDo.of(new ResultsByFile()))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), results.getCoder()));
    return KeyedPCollectionTuple.of(ROWS, keyed)
        .and(RESULTS, byFile)
        .apply("Join results", CoGroupByKey.create())
        .apply("Add fields", ParDo.of(new AddFn(appender, defaults)))
        .setRowSchema(out);
  }

  private static final class KeyRowsByFile extends DoFn<Row, KV<String, Row>> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, Row>> out) {
      out.output(KV.of(row.getString(RowPositions.FILE), row));
    }
  }

  private static final class ResultsByFile
      extends DoFn<KV<String, Row>, KV<String, KV<String, Row>>> {
    @ProcessElement
    public void process(
        @Element KV<String, Row> result, OutputReceiver<KV<String, KV<String, Row>>> out) {
      out.output(KV.of(fileOf(result.getKey()), result));
    }
  }

  private static final class LookUpFn extends DoFn<KV<String, Iterable<Row>>, Row> {
    private final PCollectionView<ResultMap> results;
    private final ComputedColumns.Appender appender;
    private final SerializableFunction<Row, Object[]> defaults;

    LookUpFn(
        PCollectionView<ResultMap> results,
        ComputedColumns.Appender appender,
        SerializableFunction<Row, Object[]> defaults) {
      this.results = results;
      this.appender = appender;
      this.defaults = defaults;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Map<String, Row> byRow = c.sideInput(results).results;
      for (Row row : c.element().getValue()) {
        Row values = byRow.get(RowPositions.rowId(row));
        c.output(
            appender.append(
                row, values == null ? defaults.apply(row) : values.getValues().toArray()));
      }
    }
  }

  private static final class AddFn extends DoFn<KV<String, CoGbkResult>, Row> {
    private final ComputedColumns.Appender appender;
    private final SerializableFunction<Row, Object[]> defaults;

    AddFn(ComputedColumns.Appender appender, SerializableFunction<Row, Object[]> defaults) {
      this.appender = appender;
      this.defaults = defaults;
    }

    @ProcessElement
    public void process(@Element KV<String, CoGbkResult> file, OutputReceiver<Row> out) {
      Map<String, Row> byRow = new HashMap<>();
      for (KV<String, Row> r : file.getValue().getAll(RESULTS)) {
        byRow.put(r.getKey(), r.getValue());
      }
      for (Row row : file.getValue().getAll(ROWS)) {
        Row values = byRow.get(RowPositions.rowId(row));
        out.output(
            appender.append(
                row, values == null ? defaults.apply(row) : values.getValues().toArray()));
      }
    }
  }
}
