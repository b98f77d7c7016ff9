package io.lakebeam.transforms.curation;

import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Fits k-means centroids to blocks of rows: seeds with greedy k-means++ on a deterministic sample
 * (the rows with the smallest seeded hashes of their sample keys), or with given centroids, then
 * runs Lloyd iterations. One iteration is one pass over the blocks, each assigned by {@link
 * AssignKernel} and summed per cluster in fixed point ({@link VectorSum}), and one global combine
 * of the per-block sums straight into the side input of the next pass; the new centroids do not
 * depend on the bundling or the merge order. An empty cluster keeps its previous centroid.
 */
final class KMeansFit extends PTransform<PCollection<VectorBlock>, PCollectionView<Centroids>> {
  private final int k;
  private final int iterations;
  private final long seed;
  private final int sampleSize;
  private final Centroids initial;
  private final String label;

  KMeansFit(int k, int iterations, long seed, int sampleSize, Centroids initial, String label) {
    this.k = k;
    this.iterations = iterations;
    this.seed = seed;
    this.sampleSize = sampleSize;
    this.initial = initial;
    this.label = label;
  }

  @Override
  public PCollectionView<Centroids> expand(PCollection<VectorBlock> blocks) {
    SerializableCoder<Centroids> coder = SerializableCoder.of(Centroids.class);
    PCollection<Centroids> centroids;
    if (initial != null) {
      centroids =
          blocks.getPipeline().apply("Given centroids", Create.of(initial).withCoder(coder));
    } else {
      centroids =
          blocks
              .apply("Sample", new DeterministicSample(sampleSize, seed))
              .apply("k-means++", ParDo.of(new Seed(k, seed)))
              .setCoder(coder);
    }
    PCollectionView<Centroids> current = centroids.apply("Initial view", View.asSingleton());
    if (iterations == 0) {
      return current;
    }
    PCollectionView<double[]> scale =
        blocks
            .apply("Bound elements", Combine.globally(new Bound()))
            .setCoder(SerializableCoder.of(double[].class))
            .apply("Scale", View.asSingleton());
    for (int i = 1; i <= iterations; i++) {
      current =
          blocks
              .apply(
                  "Assign " + i,
                  ParDo.of(new PartialSums(current, scale)).withSideInputs(current, scale))
              .setCoder(SerializableCoder.of(VectorSum.class))
              .apply(
                  "Move centroids " + i,
                  Combine.globally(new VectorSum.Step(label, i, iterations))
                      .withoutDefaults()
                      .asSingletonView());
    }
    return current;
  }

  private static final class Seed extends DoFn<float[][], Centroids> {
    private final int k;
    private final long seed;

    Seed(int k, long seed) {
      this.k = k;
      this.seed = seed;
    }

    @ProcessElement
    public void process(@Element float[][] sample, OutputReceiver<Centroids> out) {
      if (sample.length == 0) {
        throw new IllegalStateException("Cannot cluster: no row has a usable vector");
      }
      out.output(Centroids.kMeansPlusPlus(sample, k, seed));
    }
  }

  /** {largest absolute element, rows} of all blocks: the bound of the fixed-point sums. */
  private static final class Bound extends Combine.CombineFn<VectorBlock, double[], double[]> {
    @Override
    public double[] createAccumulator() {
      return new double[2];
    }

    @Override
    public double[] addInput(double[] acc, VectorBlock block) {
      acc[0] = Math.max(acc[0], block.maxAbs());
      acc[1] += block.size();
      return acc;
    }

    @Override
    public double[] mergeAccumulators(Iterable<double[]> all) {
      double[] out = createAccumulator();
      for (double[] a : all) {
        out[0] = Math.max(out[0], a[0]);
        out[1] += a[1];
      }
      return out;
    }

    @Override
    public double[] extractOutput(double[] acc) {
      return new double[] {VectorSum.scaleFor(acc[0], (long) acc[1])};
    }
  }

  /** Assigns a block and emits its per-cluster sums. */
  static final class PartialSums extends DoFn<VectorBlock, VectorSum> {
    private final PCollectionView<Centroids> centroids;
    private final PCollectionView<double[]> scale;

    PartialSums(PCollectionView<Centroids> centroids, PCollectionView<double[]> scale) {
      this.centroids = centroids;
      this.scale = scale;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Centroids current = c.sideInput(centroids);
      VectorBlock block = c.element();
      int n = block.size();
      int[] nearest = new int[n];
      float[] score = new float[n];
      current.kernel().assign(block.flat, n, nearest, score);
      VectorSum sums = VectorSum.carrying(current);
      sums.add(block.flat, n, nearest, c.sideInput(scale)[0]);
      double inertia = 0;
      for (int i = 0; i < n; i++) {
        inertia +=
            score[i] + VectorMath.dot(block.flat, i * block.d, block.flat, i * block.d, block.d);
      }
      sums.inertia = inertia;
      c.output(sums);
    }
  }
}
