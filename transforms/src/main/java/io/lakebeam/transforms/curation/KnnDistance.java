package io.lakebeam.transforms.curation;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;
import static org.apache.beam.vendor.guava.v32_1_2_jre.com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.LakeTarget;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * kNN-distance outlier scores from the collection's vector index; see {@link
 * Anomalies#knnDistance()}. Adds {@code anomaly_score} (mean distance to the k nearest other rows)
 * and {@code is_anomaly} (score in the top fraction).
 */
public final class KnnDistance extends PTransform<PCollection<Row>, PCollection<Row>> {
  private final String field;
  private final int k;
  private final double topFraction;
  private final AnomalyFields fields;
  private final LakeTarget index;
  private final ErrorHandler<BadRecord, ?> badRecords;

  KnnDistance(
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
  public KnnDistance onVector(String vectorField) {
    checkArgumentNotNull(vectorField, "Cannot score a null field");
    return new KnnDistance(vectorField, k, topFraction, fields, index, badRecords);
  }

  /** Neighbours averaged. Default 10; 1-1000. */
  public KnnDistance withK(int neighbours) {
    checkArgument(
        neighbours >= 1 && neighbours <= 1000, "Cannot use k = %s: use 1-1000", neighbours);
    return new KnnDistance(field, neighbours, topFraction, fields, index, badRecords);
  }

  /** The fraction of rows flagged. Default 0.01; (0, 0.5]. */
  public KnnDistance withTopFraction(double fraction) {
    checkArgument(
        fraction > 0 && fraction <= 0.5, "Cannot flag fraction %s: use (0, 0.5]", fraction);
    return new KnnDistance(field, k, fraction, fields, index, badRecords);
  }

  /** Names of the score and flag fields. Default {@code anomaly_score}, {@code is_anomaly}. */
  public KnnDistance toFields(String score, String flag) {
    checkArgumentNotNull(score, "Cannot use a null score field");
    checkArgumentNotNull(flag, "Cannot use a null flag field");
    return new KnnDistance(
        field, k, topFraction, new AnomalyFields(score, flag), index, badRecords);
  }

  /**
   * The collection whose index answers the neighbour queries. Default: the collection the rows were
   * read from with {@code Lake.read}.
   */
  public KnnDistance withIndexOf(Lakehouse lakehouse, String collection) {
    checkArgumentNotNull(lakehouse, "Cannot use a null lakehouse");
    return new KnnDistance(
        field, k, topFraction, fields, LakeTarget.of(lakehouse, collection), badRecords);
  }

  /** Sends rows with unusable vectors to {@code handler}; they get null fields. Default: fail. */
  public KnnDistance withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
    checkArgumentNotNull(handler, "Cannot use a null error handler");
    return new KnnDistance(field, k, topFraction, fields, index, handler);
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    LakeTarget target = index != null ? index : LakeTarget.sourceOf(rows.getSchema());
    if (target == null) {
      throw new IllegalArgumentException(
          "Cannot score kNN distances: the rows do not come from Lake.read; name the collection"
              + " whose index to query with withIndexOf(lakehouse, collection)");
    }
    Collection c = target.load();
    boolean indexed =
        target.lakehouse().indexes().describe(c).stream()
            .anyMatch(d -> field.equals(d.get("field")));
    if (!indexed) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot score kNN distances on '%s.%s': it has no vector index; build one first"
                  + " (./lakebeam index build %s --field %s)",
              c.name(), field, c.name(), field));
    }
    PCollection<KV<String, Double>> scores =
        rows.apply("Vectors", new VectorPoints(field, false, "anomalies", badRecords))
            .apply("kNN distances", ParDo.of(new KnnScoreFn(target, field, k)))
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
}
