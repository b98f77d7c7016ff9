package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.VectorField;
import java.util.List;

/** The checks and the parallel slicing of one batch of query vectors. */
final class QueryBatch {
  /** Batches of at least this many query vectors are searched in parallel over the cores. */
  static final int PARALLEL_MIN_QUERIES = 32;

  private QueryBatch() {}

  /** Under cosine a zero query vector has no direction: its scores would all be NaN. */
  static void checkNorms(VectorField field, Metric metric, float[][] queries) {
    if (metric != Metric.COSINE) {
      return;
    }
    for (int i = 0; i < queries.length; i++) {
      if (queries[i].length != field.dimension()) {
        continue; // the dimension check names it
      }
      boolean zero = true;
      for (float x : queries[i]) {
        zero &= x == 0f;
      }
      if (zero) {
        throw LakebeamException.invalid(
            "Cannot search field '%s': query vector %d has zero norm; cosine is undefined",
            field.name(), i);
      }
    }
  }

  /**
   * Runs a batch of queries; from {@link #PARALLEL_MIN_QUERIES} queries on, in slices over the
   * cores (the common fork-join pool and the caller), each slice planning its segments once.
   */
  static List<List<SearchHit>> run(
      SearchExecution exec, float[][] q, int dimension, int k, int ef) {
    int cores = Runtime.getRuntime().availableProcessors();
    // a query of the wrong dimension: the serial run reports it, naming the query
    boolean valid = java.util.Arrays.stream(q).allMatch(v -> v.length == dimension);
    if (q.length < PARALLEL_MIN_QUERIES || cores < 2 || !valid) {
      return exec.run(q, k, ef);
    }
    int slices =
        Math.min(2 * cores, (q.length + PARALLEL_MIN_QUERIES / 2 - 1) / (PARALLEL_MIN_QUERIES / 2));
    int per = (q.length + slices - 1) / slices;
    return java.util.stream.IntStream.range(0, slices)
        .parallel()
        .mapToObj(
            i ->
                exec.run(
                    java.util.Arrays.copyOfRange(
                        q, Math.min(q.length, i * per), Math.min(q.length, (i + 1) * per)),
                    k,
                    ef))
        .flatMap(List::stream)
        .toList();
  }
}
