package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Adds the duplicate fields to every row from the {@link DuplicateTable} (a side input holding only
 * the members of groups), rows grouped by data file ({@link RowsByFile}): a member gets its group,
 * the others {@code defaults.apply(row)}. Emits nothing when the table overflowed (see {@link
 * GroupDuplicates}).
 */
final class AttachDuplicates
    extends PTransform<PCollection<KV<String, Iterable<Row>>>, PCollection<Row>> {
  private final PCollectionView<DuplicateTable> table;
  private final DuplicateFields fields;
  private final SerializableFunction<Row, Object[]> defaults;
  private final Schema in;
  private final boolean fallback;

  /** {@code fallback}: whether another path adds the fields when the table overflows. */
  AttachDuplicates(
      PCollectionView<DuplicateTable> table,
      DuplicateFields fields,
      SerializableFunction<Row, Object[]> defaults,
      Schema in,
      boolean fallback) {
    this.fallback = fallback;
    this.table = table;
    this.fields = fields;
    this.defaults = defaults;
    this.in = in;
  }

  @Override
  public PCollection<Row> expand(PCollection<KV<String, Iterable<Row>>> rows) {
    Schema out = ComputedColumns.extend(in, fields.fields());
    ComputedColumns.Appender appender =
        new ComputedColumns.Appender(in, out, fields.fields().size());
    return rows.apply(
            "Look up groups",
            ParDo.of(new AddFn(table, fields, appender, defaults, fallback)).withSideInputs(table))
        .setRowSchema(out);
  }

  private static final class AddFn extends DoFn<KV<String, Iterable<Row>>, Row> {
    private final PCollectionView<DuplicateTable> table;
    private final DuplicateFields fields;
    private final ComputedColumns.Appender appender;
    private final SerializableFunction<Row, Object[]> defaults;
    private final boolean fallback;

    AddFn(
        PCollectionView<DuplicateTable> table,
        DuplicateFields fields,
        ComputedColumns.Appender appender,
        SerializableFunction<Row, Object[]> defaults,
        boolean fallback) {
      this.fallback = fallback;
      this.table = table;
      this.fields = fields;
      this.appender = appender;
      this.defaults = defaults;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      DuplicateTable groups = c.sideInput(table);
      if (groups.overflow()) {
        if (fallback) {
          return;
        }
        throw new IllegalStateException(
            "Cannot group duplicates in memory: the groups hold more members than the limit, and"
                + " the table had fewer rows than that when the pipeline was built (rows were"
                + " added since?); raise the limit (withInMemoryGroupLimit) or run again");
      }
      for (Row row : c.element().getValue()) {
        String rank = fields.rank(row);
        DuplicateTable.Member member = groups.get(rank);
        c.output(
            appender.append(
                row,
                member == null
                    ? defaults.apply(row)
                    : fields.values(rank, member.canonicalRank(), member.similarity())));
      }
    }
  }
}
