package io.lakebeam.transforms.eval;

import java.io.Serializable;
import org.apache.beam.sdk.transforms.Combine;

/**
 * Per metric, the sum of one system's per-query values, and how many queries they are over.
 *
 * @param sums per metric (in the evaluation's order), the sum over {@code queries}
 * @param queries how many queries were scored
 */
record MetricSums(double[] sums, long queries) implements Serializable {

  /** The sums of per-query values {@code [query][metric]}. */
  static MetricSums of(double[][] perQuery, int metrics) {
    double[] sums = new double[metrics];
    for (double[] q : perQuery) {
      for (int m = 0; m < metrics; m++) {
        sums[m] += q[m];
      }
    }
    return new MetricSums(sums, perQuery.length);
  }

  MetricSums plus(MetricSums o) {
    double[] s = sums.clone();
    for (int m = 0; m < s.length; m++) {
      s[m] += o.sums[m];
    }
    return new MetricSums(s, queries + o.queries);
  }

  /** Adds sums up (associative and commutative). */
  static final class Add extends Combine.BinaryCombineFn<MetricSums> {
    @Override
    public MetricSums apply(MetricSums left, MetricSums right) {
      return left.plus(right);
    }
  }
}
