package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.FailedRecords;
import io.lakebeam.transforms.lake.RowPositions;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Gathers the rows' vectors into {@link VectorBlock}s of at most {@link #blockRows} rows (formed
 * per bundle, then spread over the workers) so that later passes pay the runner's per-element cost
 * once per block; rows whose vector is null, of the wrong dimension or not finite go to the
 * bad-record handler with the reason (or fail the pipeline without one). The blocks' makeup depends
 * on the bundling; every consumer gives results that do not.
 */
final class VectorBlocks extends PTransform<PCollection<Row>, PCollection<VectorBlock>> {
  /** Floats per block: about 8 MB of vectors, enough rows to amortise the per-element cost. */
  static final int BLOCK_FLOATS = 1 << 21;

  private static final TupleTag<VectorBlock> BLOCKS = new TupleTag<>() {};

  private final String field;
  private final boolean normalize;
  private final String stage;
  private final ErrorHandler<BadRecord, ?> badRecords;
  private final String idField;
  private final DuplicateFields ranks;

  /**
   * Blocks keyed by row id, sampled by {@code idField} (null: by row id); with {@code ranks}, keyed
   * by rank ({@link DuplicateFields#rank}) instead.
   */
  VectorBlocks(
      String field,
      boolean normalize,
      String stage,
      ErrorHandler<BadRecord, ?> badRecords,
      String idField,
      DuplicateFields ranks) {
    this.field = field;
    this.normalize = normalize;
    this.stage = stage;
    this.badRecords = badRecords;
    this.idField = idField;
    this.ranks = ranks;
  }

  static int blockRows(int d) {
    return Math.max(64, BLOCK_FLOATS / Math.max(1, d));
  }

  @Override
  public PCollection<VectorBlock> expand(PCollection<Row> rows) {
    RowPositions.require(rows.getSchema(), stage + " on '" + field + "'");
    int dimension = VectorValues.checkField(rows.getSchema(), field, stage);
    PCollectionTuple out =
        rows.apply(
            "Read vectors",
            ParDo.of(new ReadFn(this, dimension, BadRecords.routerFor(badRecords)))
                .withOutputTags(BLOCKS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    BadRecords.collect(out, badRecords);
    return out.get(BLOCKS)
        .setCoder(VectorBlock.Coder.of())
        .apply("Spread blocks", Reshuffle.viaRandomKey())
        .setCoder(VectorBlock.Coder.of());
  }

  private static final class ReadFn extends DoFn<Row, VectorBlock> {
    private final String field;
    private final int dimension;
    private final boolean normalize;
    private final String stage;
    private final String idField;
    private final DuplicateFields ranks;
    private final BadRecordRouter router;
    private transient Builder builder;

    ReadFn(VectorBlocks spec, int dimension, BadRecordRouter router) {
      this.field = spec.field;
      this.dimension = dimension;
      this.normalize = spec.normalize;
      this.stage = spec.stage;
      this.idField = spec.idField;
      this.ranks = spec.ranks;
      this.router = router;
    }

    @StartBundle
    public void start() {
      builder = null;
    }

    @ProcessElement
    public void process(@Element Row row, BoundedWindow window, MultiOutputReceiver out)
        throws Exception {
      float[] v;
      String rowId = RowPositions.rowId(row);
      try {
        v = VectorValues.read(row, field, dimension, normalize);
      } catch (IllegalArgumentException e) {
        router.route(
            out,
            FailedRecords.sourceOf(row),
            StringUtf8Coder.of(),
            e,
            "[" + stage.replace(' ', '-') + "] row " + rowId + ": " + e.getMessage());
        return;
      }
      if (builder != null && (builder.d != v.length || !builder.window.equals(window))) {
        out.get(BLOCKS).output(builder.build());
        builder = null;
      }
      if (builder == null) {
        builder = new Builder(v.length, window);
      }
      Object id = idField == null ? null : row.getValue(idField);
      builder.add(ranks == null ? rowId : ranks.rank(row), id == null ? rowId : id.toString(), v);
      if (builder.ids.size() >= blockRows(v.length)) {
        out.get(BLOCKS).output(builder.build());
        builder = null;
      }
    }

    @FinishBundle
    public void finish(FinishBundleContext c) {
      if (builder != null) {
        c.output(BLOCKS, builder.build(), builder.window.maxTimestamp(), builder.window);
        builder = null;
      }
    }
  }

  private static final class Builder {
    final int d;
    final BoundedWindow window;
    final List<String> ids = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    float[] flat;

    Builder(int d, BoundedWindow window) {
      this.d = d;
      this.window = window;
      this.flat = new float[d * 256];
    }

    void add(String id, String key, float[] v) {
      int at = ids.size() * d;
      if (at + d > flat.length) {
        flat = java.util.Arrays.copyOf(flat, Math.max(flat.length * 2, at + d));
      }
      System.arraycopy(v, 0, flat, at, d);
      ids.add(id);
      keys.add(key);
    }

    VectorBlock build() {
      int n = ids.size();
      return new VectorBlock(
          d,
          ids.toArray(String[]::new),
          keys.toArray(String[]::new),
          java.util.Arrays.copyOf(flat, n * d));
    }
  }
}
