package io.lakebeam.transforms.curation;

/**
 * Clustering transforms over vector fields.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "corpus.chunks"))
 *  .apply(Cluster.kMeans().onVector("embedding").withK(256)
 *      .withCentroidsTable(lake, "corpus.chunks_centroids"))
 *  .apply(Lake.writeBackColumns(lake, "corpus.chunks"));
 * }</pre>
 */
public final class Cluster {
  private Cluster() {}

  /** k-means with k-means++ seeding and 20 Lloyd iterations; see {@link KMeans}. */
  public static KMeans kMeans() {
    return new KMeans();
  }
}
