package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.RowPositions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Adds {@code <prefix>id} and {@code <prefix>distance} to the rows from the per-block k-means
 * assignments, given to every worker as a side input (an int and a double per row, a few tens of
 * bytes with the row id), so that the rows themselves are never shuffled. Rows without an
 * assignment (their vector went to the bad-record handler) get nulls.
 */
final class AttachAssignments extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final PCollection<ClusterAssignments> assignments;
  private final List<Schema.Field> fields;

  AttachAssignments(PCollection<ClusterAssignments> assignments, List<Schema.Field> fields) {
    this.assignments = assignments;
    this.fields = fields;
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    Schema out = ComputedColumns.extend(in, fields);
    PCollectionView<List<ClusterAssignments>> view =
        assignments.apply("Assignments view", View.asList());
    return rows.apply(
            "Add fields",
            ParDo.of(new AddFn(view, new ComputedColumns.Appender(in, out, fields.size())))
                .withSideInputs(view))
        .setRowSchema(out);
  }

  private static final class AddFn extends DoFn<Row, Row> {
    private final PCollectionView<List<ClusterAssignments>> view;
    private final ComputedColumns.Appender appender;

    /** The first element and size of the indexed side input (runners may re-wrap the list). */
    private transient ClusterAssignments indexedFirst;

    private transient int indexedSize = -1;
    private transient Map<String, Long> byRow;

    AddFn(PCollectionView<List<ClusterAssignments>> view, ComputedColumns.Appender appender) {
      this.view = view;
      this.appender = appender;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      List<ClusterAssignments> all = c.sideInput(view);
      ClusterAssignments first = all.isEmpty() ? null : all.get(0);
      if (indexedFirst != first || indexedSize != all.size()) {
        Map<String, Long> index = new HashMap<>();
        for (int b = 0; b < all.size(); b++) {
          String[] ids = all.get(b).ids;
          for (int i = 0; i < ids.length; i++) {
            index.put(ids[i], ((long) b << 32) | i);
          }
        }
        byRow = index;
        indexedFirst = first;
        indexedSize = all.size();
      }
      Long at = byRow.get(RowPositions.rowId(c.element()));
      if (at == null) {
        c.output(appender.append(c.element(), null, null));
        return;
      }
      ClusterAssignments a = all.get((int) (at >>> 32));
      int i = (int) (long) at;
      c.output(appender.append(c.element(), a.clusters[i], a.distances[i]));
    }
  }
}
