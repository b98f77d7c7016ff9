package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.BadRecords;
import io.lakebeam.transforms.FailedRecords;
import io.lakebeam.transforms.lake.RowPositions;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Extracts {@code row id -> vector} points from rows; rows whose vector is null, of the wrong
 * dimension or not finite go to the bad-record handler (or fail the pipeline without one).
 */
final class VectorPoints extends PTransform<PCollection<Row>, PCollection<KV<String, float[]>>> {
  private static final TupleTag<KV<String, float[]>> POINTS = new TupleTag<>() {};

  private final String field;
  private final boolean normalize;
  private final String stage;
  private final ErrorHandler<BadRecord, ?> badRecords;
  private final DuplicateFields ranks;

  VectorPoints(
      String field, boolean normalize, String stage, ErrorHandler<BadRecord, ?> badRecords) {
    this(field, normalize, stage, badRecords, null);
  }

  /** Points keyed by their rank ({@link DuplicateFields#rank}) instead of their row id. */
  VectorPoints(
      String field,
      boolean normalize,
      String stage,
      ErrorHandler<BadRecord, ?> badRecords,
      DuplicateFields ranks) {
    this.field = field;
    this.normalize = normalize;
    this.stage = stage;
    this.badRecords = badRecords;
    this.ranks = ranks;
  }

  @Override
  public PCollection<KV<String, float[]>> expand(PCollection<Row> rows) {
    RowPositions.require(rows.getSchema(), stage + " on '" + field + "'");
    int dimension = VectorValues.checkField(rows.getSchema(), field, stage);
    PCollectionTuple out =
        rows.apply(
            "Read vectors",
            ParDo.of(
                    new ReadFn(
                        field,
                        dimension,
                        normalize,
                        stage,
                        BadRecords.routerFor(badRecords),
                        ranks))
                .withOutputTags(POINTS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
    BadRecords.collect(out, badRecords);
    return out.get(POINTS).setCoder(KvCoder.of(StringUtf8Coder.of(), FloatArrayCoder.of()));
  }

  private static final class ReadFn extends DoFn<Row, KV<String, float[]>> {
    private final String field;
    private final int dimension;
    private final boolean normalize;
    private final String stage;
    private final BadRecordRouter router;
    private final DuplicateFields ranks;

    ReadFn(
        String field,
        int dimension,
        boolean normalize,
        String stage,
        BadRecordRouter router,
        DuplicateFields ranks) {
      this.ranks = ranks;
      this.field = field;
      this.dimension = dimension;
      this.normalize = normalize;
      this.stage = stage;
      this.router = router;
    }

    @ProcessElement
    public void process(@Element Row row, MultiOutputReceiver out) throws Exception {
      float[] v;
      try {
        v = VectorValues.read(row, field, dimension, normalize);
      } catch (IllegalArgumentException e) {
        router.route(
            out,
            FailedRecords.sourceOf(row),
            StringUtf8Coder.of(),
            e,
            "["
                + stage.replace(' ', '-')
                + "] row "
                + RowPositions.rowId(row)
                + ": "
                + e.getMessage());
        return;
      }
      out.get(POINTS).output(KV.of(ranks == null ? RowPositions.rowId(row) : ranks.rank(row), v));
    }
  }
}
