package io.lakebeam.transforms.curation;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.values.KV;

/** Sum and count of vectors (one cluster's members in a Lloyd iteration), combinable. */
final class VectorSum implements Serializable {
  /**
   * Sums every cluster's members in one global combine (one accumulator of at most k sums per
   * worker), so an iteration needs no per-cluster grouping. Inputs are {@code cluster -> vector
   * followed by its squared distance}.
   */
  static final class PerCluster
      extends Combine.CombineFn<
          KV<Integer, float[]>, HashMap<Integer, VectorSum>, HashMap<Integer, VectorSum>> {
    private final Fn sums = new Fn();

    @Override
    public HashMap<Integer, VectorSum> createAccumulator() {
      return new HashMap<>();
    }

    @Override
    public HashMap<Integer, VectorSum> addInput(
        HashMap<Integer, VectorSum> acc, KV<Integer, float[]> point) {
      sums.addInput(acc.computeIfAbsent(point.getKey(), c -> new VectorSum()), point.getValue());
      return acc;
    }

    @Override
    public HashMap<Integer, VectorSum> mergeAccumulators(
        Iterable<HashMap<Integer, VectorSum>> all) {
      HashMap<Integer, VectorSum> out = new HashMap<>();
      for (HashMap<Integer, VectorSum> acc : all) {
        acc.forEach(
            (cluster, sum) ->
                out.merge(cluster, sum, (a, b) -> sums.mergeAccumulators(List.of(a, b))));
      }
      return out;
    }

    @Override
    public HashMap<Integer, VectorSum> extractOutput(HashMap<Integer, VectorSum> acc) {
      return acc;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Coder<HashMap<Integer, VectorSum>> getAccumulatorCoder(
        CoderRegistry registry, Coder<KV<Integer, float[]>> input) {
      return (Coder) SerializableCoder.of(HashMap.class);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Override
    public Coder<HashMap<Integer, VectorSum>> getDefaultOutputCoder(
        CoderRegistry registry, Coder<KV<Integer, float[]>> input) {
      return (Coder) SerializableCoder.of(HashMap.class);
    }
  }

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
