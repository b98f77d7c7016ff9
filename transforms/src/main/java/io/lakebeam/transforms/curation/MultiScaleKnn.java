package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.LakeTarget;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Values;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * Multi-scale kNN outlier scores from the collection's vector index; see {@link
 * Anomalies#multiScaleKnn()}. Adds {@code anomaly_score} (about 1 for a typical row, higher is
 * rarer) and {@code is_anomaly} (score in the top fraction).
 *
 * <p>The score: from its distances to its k nearest other rows, each row gets {@code W_t} (mean
 * distance of neighbours t to 1.25t) at scales t = 1, 2, 3, 4, 6, 8, 12, ..., up to k and {@code
 * M_s} (mean distance of the s nearest) at s = 4, 8, 16, 32, 48 below k, each divided by the
 * table's median of the same value. {@code isolation} is the largest {@code W_t} ratio (isolated
 * rows; groups far from everything); {@code contrast} is the largest {@code W_t / M_s} ratio with t
 * > s (a dense inside with a gap around it: a tight group of fewer than about k rows, even amid the
 * data, where plain kNN distance ranks it below every real row because its members are each other's
 * neighbours). The score is {@code isolation * contrast}; a typical row scores about 1. Tight
 * groups larger than about k rows count as clusters, not anomalies.
 *
 * <p>Why this rather than one k or a local outlier factor: kNN distance with a single k is masked
 * by any group of more than k similar rows; a larger k alone fixes that only for groups far from
 * everything, but embeddings of junk (gibberish, encoded blobs, spam) sit amid the data, so their
 * far neighbours are no farther than a typical row's; what sets them apart is the gap between their
 * dense inside and the rest, at whatever scale the group's size puts it. A local outlier factor
 * sees that gap too, but needs every neighbour's own k-distance (a join per row), while this score
 * needs one index query per row and one global median per scale.
 *
 * <p>Three steps, none keyed by row: each row's profile from one batched index query for its k
 * nearest other rows; the table's median of every profile entry (one global combine of Beam's
 * approximate-quantile sketches); the score of each row against those medians (a side input).
 */
public final class MultiScaleKnn extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String field;
  private final int k;
  private final double topFraction;
  private final AnomalyFields fields;
  private final LakeTarget index;
  private final ErrorHandler<BadRecord, ?> badRecords;

  MultiScaleKnn(
      String field,
      int k,
      double topFraction,
      AnomalyFields fields,
      LakeTarget index,
      ErrorHandler<BadRecord, ?> badRecords) {
    this.field = field;
    this.k = k;
    this.topFraction = topFraction;
    this.fields = fields;
    this.index = index;
    this.badRecords = badRecords;
  }

  /** The vector field. Default {@code embedding}. */
  public MultiScaleKnn onVector(String vectorField) {
    checkArgumentNotNull(vectorField, "Cannot score a null field");
    return new MultiScaleKnn(vectorField, k, topFraction, fields, index, badRecords);
  }

  /**
   * Neighbours in each row's profile, the largest scale looked at: tight groups of up to about this
   * many rows score as anomalies, larger ones count as clusters. Default 100; 8-1000. Time grows
   * with it (one index query of k + 1 hits per row).
   */
  public MultiScaleKnn withMaxK(int neighbours) {
    checkArgument(
        neighbours >= 8 && neighbours <= 1000, "Cannot use max k = %s: use 8-1000", neighbours);
    return new MultiScaleKnn(field, neighbours, topFraction, fields, index, badRecords);
  }

  /** The fraction of rows flagged. Default 0.01; (0, 0.5]. */
  public MultiScaleKnn withTopFraction(double fraction) {
    checkArgument(
        fraction > 0 && fraction <= 0.5, "Cannot flag fraction %s: use (0, 0.5]", fraction);
    return new MultiScaleKnn(field, k, fraction, fields, index, badRecords);
  }

  /** Names of the score and flag fields. Default {@code anomaly_score}, {@code is_anomaly}. */
  public MultiScaleKnn toFields(String score, String flag) {
    checkArgumentNotNull(score, "Cannot use a null score field");
    checkArgumentNotNull(flag, "Cannot use a null flag field");
    return new MultiScaleKnn(
        field, k, topFraction, new AnomalyFields(score, flag), index, badRecords);
  }

  /**
   * The collection whose index answers the neighbour queries. Default: the collection the rows were
   * read from with {@code Lake.read}.
   */
  public MultiScaleKnn withIndexOf(Lakehouse lakehouse, String collection) {
    checkArgumentNotNull(lakehouse, "Cannot use a null lakehouse");
    return new MultiScaleKnn(
        field, k, topFraction, fields, LakeTarget.of(lakehouse, collection), badRecords);
  }

  /** Sends rows with unusable vectors to {@code handler}; they get null fields. Default: fail. */
  public MultiScaleKnn withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new MultiScaleKnn(field, k, topFraction, fields, index, handler);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    LakeTarget target = index != null ? index : LakeTarget.sourceOf(rows.getSchema());
    if (target == null) {
      throw new IllegalArgumentException(
          "Cannot score multi-scale kNN anomalies: the rows do not come from Lake.read; name the"
              + " collection whose index to query with withIndexOf(lakehouse, collection)");
    }
    Collection c = target.load();
    boolean indexed =
        target.lakehouse().indexes().describe(c).stream()
            .anyMatch(d -> field.equals(d.get("field")));
    if (!indexed) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot score multi-scale kNN anomalies on '%s.%s': it has no vector index; build"
                  + " one first (./lakebeam index build %s --field %s)",
              c.name(), field, c.name(), field));
    }
    NeighbourhoodProfile profile = new NeighbourhoodProfile(k);
    PCollection<KV<String, float[]>> profiles =
        rows.apply("Vectors", new VectorPoints(field, false, "anomalies", badRecords))
            .apply("Neighbourhood profiles", ParDo.of(new KnnProfileFn(target, field, profile)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), FloatArrayCoder.of()));
    PCollectionView<double[]> medians =
        profiles
            .apply("Profiles", Values.create())
            .apply(
                "Medians", Combine.globally(new ProfileMedians(profile.size())).withoutDefaults())
            .apply("Medians view", View.asSingleton());
    PCollection<KV<String, Double>> scores =
        profiles
            .apply("Score", ParDo.of(new ScoreFn(profile, medians)).withSideInputs(medians))
            .setCoder(FlagTopFraction.scoreCoder());
    return rows.apply(
        "Add anomaly fields",
        new AttachResults(
            scores.apply(
                "Flag top fraction",
                new FlagTopFraction(topFraction, AttachResults.resultSchema(fields.fields()))),
            fields.fields(),
            r -> new Object[2]));
  }

  private static final class ScoreFn extends DoFn<KV<String, float[]>, KV<String, Double>> {
    private final NeighbourhoodProfile profile;
    private final PCollectionView<double[]> medians;

    ScoreFn(NeighbourhoodProfile profile, PCollectionView<double[]> medians) {
      this.profile = profile;
      this.medians = medians;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      double[] m = c.sideInput(medians);
      c.output(KV.of(c.element().getKey(), profile.score(c.element().getValue(), m)));
    }
  }
}
