package io.lakebeam.transforms.curation;

/**
 * Outlier scores over vector fields: a score column (higher is rarer) and a flag for the top
 * fraction of rows.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "corpus.chunks"))
 *  .apply(Anomalies.multiScaleKnn().onVector("embedding").withTopFraction(0.001))
 *  .apply(Anomalies.isolationForest().onVector("embedding"))
 *  .apply(Lake.writeBackColumns(lake, "corpus.chunks"));
 * }</pre>
 *
 * <p>{@link #multiScaleKnn()} is the default of {@code lakebeam anomalies}: it finds isolated rows
 * and also small tight groups (the same junk repeated, boilerplate, encoded blobs), which {@link
 * #knnDistance()} ranks below every real row because the members are each other's nearest
 * neighbours (masking). Both write {@code anomaly_score} and {@code is_anomaly} unless told {@code
 * toFields(...)}.
 */
public final class Anomalies {
  private Anomalies() {}

  /**
   * Multi-scale kNN: each row's distances to its 100 nearest other rows (from the collection's
   * vector index) at scales 1 to 96, compared with the table's medians at the same scales; the
   * score is {@code isolation * contrast} (see {@link MultiScaleKnn}): far neighbours at some scale
   * (isolated rows, remote groups) or a dense inside with a gap around it (tight groups of up to
   * about 100 rows, even amid the data). Flags the top 1% as {@code is_anomaly}.
   */
  public static MultiScaleKnn multiScaleKnn() {
    return new MultiScaleKnn(
        "embedding", 100, 0.01, new AnomalyFields("anomaly_score", "is_anomaly"), null, null);
  }

  /**
   * Mean distance to the 10 nearest other rows, from the vector index of the collection the rows
   * were read from; flags the top 1% as {@code is_anomaly}. Masked by groups of more than about 10
   * similar rows (they score as low as dense real clusters); see {@link #multiScaleKnn()}.
   */
  public static KnnDistance knnDistance() {
    return new KnnDistance(
        "embedding", 10, 0.01, new AnomalyFields("anomaly_score", "is_anomaly"), null, null);
  }

  /** An isolation forest of 100 trees on 256 points each; flags the top 1%. */
  public static IsolationForest isolationForest() {
    return new IsolationForest(
        "embedding",
        100,
        256,
        42,
        0.01,
        new AnomalyFields("iforest_score", "is_iforest_anomaly"),
        null);
  }
}
