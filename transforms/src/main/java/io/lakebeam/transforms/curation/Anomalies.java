package io.lakebeam.transforms.curation;

/**
 * Outlier scores over vector fields: a score column (higher is rarer) and a flag for the top
 * fraction of rows.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "corpus.chunks"))
 *  .apply(Anomalies.knnDistance().onVector("embedding").withTopFraction(0.001))
 *  .apply(Anomalies.isolationForest().onVector("embedding"))
 *  .apply(Lake.writeBackColumns(lake, "corpus.chunks"));
 * }</pre>
 */
public final class Anomalies {
  private Anomalies() {}

  /**
   * Mean distance to the 10 nearest other rows, from the vector index of the collection the rows
   * were read from; flags the top 1% as {@code is_anomaly}.
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
