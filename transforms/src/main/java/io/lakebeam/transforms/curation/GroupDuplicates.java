package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.ComputedColumns;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Adds the duplicate fields to rows from verified edges (each pair once). The groups are solved in
 * one combine by a union-find and looked up from a side input, while they hold at most {@code
 * limit} members; beyond it, by the distributed connected components ({@link DuplicateGroups})
 * joined back per data file. Both paths are in the graph; the one not taken sees no elements.
 */
final class GroupDuplicates
    extends PTransform<PCollection<KV<String, Iterable<Row>>>, PCollection<Row>> {
  private final PCollection<DuplicateEdges> edges;
  private final DuplicateFields fields;
  private final int limit;
  private final SerializableFunction<Row, Object[]> defaults;
  private final Schema in;
  private final boolean mayOverflow;

  /**
   * {@code in}: the schema of the rows (grouped by data file with {@link RowsByFile}). The
   * distributed path is built only when the rows may hold more than {@code limit} group members
   * (more rows than that, or rows of unknown count).
   */
  GroupDuplicates(
      PCollection<DuplicateEdges> edges,
      DuplicateFields fields,
      int limit,
      SerializableFunction<Row, Object[]> defaults,
      Schema in) {
    this.edges = edges;
    this.fields = fields;
    this.limit = limit;
    this.defaults = defaults;
    this.in = in;
    this.mayOverflow = SourceRows.upperBound(in) > limit;
  }

  @Override
  public PCollection<Row> expand(PCollection<KV<String, Iterable<Row>>> rows) {
    PCollection<DuplicateTable> groups =
        edges.apply(
            "Union-find", Combine.globally(new DuplicateComponents(limit)).withoutDefaults());
    DuplicateComponents none = new DuplicateComponents(limit);
    PCollectionView<DuplicateTable> table =
        groups.apply(
            "Groups",
            View.<DuplicateTable>asSingleton()
                .withDefaultValue(none.extractOutput(none.createAccumulator())));
    PCollection<KV<String, Iterable<Row>>> ready =
        rows.apply("Rows once grouped", new WaitFor<>(groups));
    PCollection<Row> inMemory =
        ready.apply(
            "Look up groups", new AttachDuplicates(table, fields, defaults, in, mayOverflow));
    if (!mayOverflow) {
      return inMemory;
    }
    PCollection<KV<KV<String, String>, Double>> pairs =
        edges
            .apply("Edges once grouped", new WaitFor<>(groups))
            .apply(
                "Pairs if too many members",
                ParDo.of(new PairsIfOverflow(table)).withSideInputs(table))
            .setCoder(
                KvCoder.of(
                    KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()), DoubleCoder.of()));
    PCollection<Row> distributed =
        ready
            .apply(
                "Rows if too many members",
                ParDo.of(new RowsIfOverflow(table)).withSideInputs(table))
            .setRowSchema(in)
            .apply(
                "Distributed groups",
                new AttachResults(
                    pairs.apply("Connected components", new DuplicateGroups(fields, 4)),
                    fields.fields(),
                    defaults));
    Schema out = ComputedColumns.extend(in, fields.fields());
    return PCollectionList.of(inMemory)
        .and(distributed)
        .apply("Either", Flatten.pCollections())
        .setRowSchema(out);
  }

  private static final class PairsIfOverflow
      extends DoFn<DuplicateEdges, KV<KV<String, String>, Double>> {
    private final PCollectionView<DuplicateTable> table;

    PairsIfOverflow(PCollectionView<DuplicateTable> table) {
      this.table = table;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (c.sideInput(table).overflow()) {
        DuplicateEdges e = c.element();
        for (int i = 0; i < e.size(); i++) {
          c.output(KV.of(KV.of(e.from()[i], e.to()[i]), e.similarity()[i]));
        }
      }
    }
  }

  private static final class RowsIfOverflow extends DoFn<KV<String, Iterable<Row>>, Row> {
    private final PCollectionView<DuplicateTable> table;

    RowsIfOverflow(PCollectionView<DuplicateTable> table) {
      this.table = table;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      if (c.sideInput(table).overflow()) {
        c.element().getValue().forEach(c::output);
      }
    }
  }
}
