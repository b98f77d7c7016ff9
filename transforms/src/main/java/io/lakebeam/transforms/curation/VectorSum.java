package io.lakebeam.transforms.curation;

import java.io.Serializable;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;

/** Sum and count of vectors (one cluster's members in a Lloyd iteration), combinable. */
final class VectorSum implements Serializable {
  private static final long serialVersionUID = 1L;
  double[] sum;
  long count;
  double squaredDistances;

  /** Combines vectors with their squared distance to the current centroid. */
  static final class Fn extends Combine.CombineFn<float[], VectorSum, VectorSum> {
    @Override
    public VectorSum createAccumulator() {
      return new VectorSum();
    }

    @Override
    public VectorSum addInput(VectorSum acc, float[] v) {
      int d = v.length - 1;
      if (acc.sum == null) {
        acc.sum = new double[d];
      }
      for (int i = 0; i < d; i++) {
        acc.sum[i] += v[i];
      }
      acc.squaredDistances += v[d];
      acc.count++;
      return acc;
    }

    @Override
    public VectorSum mergeAccumulators(Iterable<VectorSum> all) {
      VectorSum out = new VectorSum();
      for (VectorSum a : all) {
        if (a.sum == null) {
          continue;
        }
        if (out.sum == null) {
          out.sum = new double[a.sum.length];
        }
        for (int i = 0; i < a.sum.length; i++) {
          out.sum[i] += a.sum[i];
        }
        out.count += a.count;
        out.squaredDistances += a.squaredDistances;
      }
      return out;
    }

    @Override
    public VectorSum extractOutput(VectorSum acc) {
      return acc;
    }

    @Override
    public Coder<VectorSum> getAccumulatorCoder(CoderRegistry registry, Coder<float[]> input) {
      return SerializableCoder.of(VectorSum.class);
    }

    @Override
    public Coder<VectorSum> getDefaultOutputCoder(CoderRegistry registry, Coder<float[]> input) {
      return SerializableCoder.of(VectorSum.class);
    }
  }
}
