package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.RowPositions;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Adds small per-row results (keyed by {@link RowPositions#rowId}) to the rows through a map side
 * input, so that the rows, vectors and all, are never shuffled (unlike {@link AttachResults}, which
 * joins by data file). Meant for results of a few values per row; rows without a result get nulls.
 */
final class AttachByRowId extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final PCollection<KV<String, Row>> results;
  private final List<Schema.Field> fields;

  AttachByRowId(PCollection<KV<String, Row>> results, List<Schema.Field> fields) {
    this.results = results;
    this.fields = fields;
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    Schema out = ComputedColumns.extend(in, fields);
    PCollectionView<Map<String, Row>> view = results.apply("Results view", View.asMap());
    ComputedColumns.Appender appender = new ComputedColumns.Appender(in, out, fields.size());
    return rows.apply(
            "Add fields", ParDo.of(new AddFn(view, appender, fields.size())).withSideInputs(view))
        .setRowSchema(out);
  }

  private static final class AddFn extends DoFn<Row, Row> {
    private final PCollectionView<Map<String, Row>> view;
    private final ComputedColumns.Appender appender;
    private final int added;

    AddFn(PCollectionView<Map<String, Row>> view, ComputedColumns.Appender appender, int added) {
      this.view = view;
      this.appender = appender;
      this.added = added;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Row r = c.sideInput(view).get(RowPositions.rowId(c.element()));
      c.output(
          appender.append(c.element(), r == null ? new Object[added] : r.getValues().toArray()));
    }
  }
}
