package io.lakebeam.transforms.curation;

import java.io.Serializable;

/**
 * The final k-means assignment of one block: each row's id ({@code _file#_pos}), cluster and
 * Euclidean distance to its centroid, in flat arrays.
 */
final class ClusterAssignments implements Serializable {
  private static final long serialVersionUID = 1L;
  final String[] ids;
  final int[] clusters;
  final double[] distances;

  ClusterAssignments(String[] ids, int[] clusters, double[] distances) {
    this.ids = ids;
    this.clusters = clusters;
    this.distances = distances;
  }

  /** Assigns every row of {@code block} to its nearest centroid, with the exact distance. */
  static ClusterAssignments of(VectorBlock block, Centroids centroids) {
    int n = block.size();
    int[] nearest = new int[n];
    centroids.kernel().assign(block.flat, n, nearest, new float[n]);
    double[] distances = new double[n];
    for (int i = 0; i < n; i++) {
      distances[i] =
          Math.sqrt(
              VectorMath.squaredDistance(
                  block.flat, i * block.d, centroids.flat, nearest[i] * centroids.d, centroids.d));
    }
    return new ClusterAssignments(block.ids, nearest, distances);
  }
}
