package io.lakebeam.transforms.curation;

import java.util.HashMap;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;

/**
 * Fits k-means centroids to points ({@code row id -> vector}): seeds with greedy k-means++ on a
 * deterministic sample (the rows with the smallest seeded hashes of their ids, gathered by a
 * distributed top-n), or with given centroids, then runs Lloyd iterations, each a distributed
 * assignment plus a per-cluster combine. An empty cluster keeps its previous centroid.
 */
final class KMeansFit extends PTransform<PCollection<KV<String, float[]>>, PCollection<Centroids>> {
  private final int k;
  private final int iterations;
  private final long seed;
  private final int sampleSize;
  private final Centroids initial;

  KMeansFit(int k, int iterations, long seed, int sampleSize, Centroids initial) {
    this.k = k;
    this.iterations = iterations;
    this.seed = seed;
    this.sampleSize = sampleSize;
    this.initial = initial;
  }

  @Override
  public PCollection<Centroids> expand(PCollection<KV<String, float[]>> points) {
    SerializableCoder<Centroids> coder = SerializableCoder.of(Centroids.class);
    PCollection<Centroids> centroids;
    if (initial != null) {
      centroids =
          points.getPipeline().apply("Given centroids", Create.of(initial).withCoder(coder));
    } else {
      centroids =
          points
              .apply("Sample", new DeterministicSample(sampleSize, seed))
              .apply("k-means++", ParDo.of(new Seed(k, seed)))
              .setCoder(coder);
    }
    for (int i = 1; i <= iterations; i++) {
      PCollectionView<Centroids> current = centroids.apply("Centroids " + i, View.asSingleton());
      PCollectionView<HashMap<Integer, VectorSum>> sums =
          points
              .apply("Assign " + i, ParDo.of(new AssignFn(current)).withSideInputs(current))
              .setCoder(KvCoder.of(VarIntCoder.of(), FloatArrayCoder.of()))
              .apply("Sum clusters " + i, Combine.globally(new VectorSum.PerCluster()))
              .apply("Sums " + i, View.asSingleton());
      centroids =
          centroids
              .apply("Move centroids " + i, ParDo.of(new Move(sums)).withSideInputs(sums))
              .setCoder(coder);
    }
    return centroids;
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

  /** Emits each point (with its squared distance appended) under its nearest centroid. */
  static final class AssignFn extends DoFn<KV<String, float[]>, KV<Integer, float[]>> {
    private final PCollectionView<Centroids> centroids;

    AssignFn(PCollectionView<Centroids> centroids) {
      this.centroids = centroids;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Centroids current = c.sideInput(centroids);
      float[] v = c.element().getValue();
      float[] dist = new float[1];
      int nearest = current.nearest(v, dist);
      float[] withDistance = java.util.Arrays.copyOf(v, v.length + 1);
      withDistance[v.length] = dist[0];
      c.output(KV.of(nearest, withDistance));
    }
  }

  private static final class Move extends DoFn<Centroids, Centroids> {
    private final PCollectionView<HashMap<Integer, VectorSum>> sums;

    Move(PCollectionView<HashMap<Integer, VectorSum>> sums) {
      this.sums = sums;
    }

    @ProcessElement
    public void process(ProcessContext c) {
      Centroids old = c.element();
      Map<Integer, VectorSum> s = c.sideInput(sums);
      float[] flat = old.flat.clone();
      for (Map.Entry<Integer, VectorSum> e : s.entrySet()) {
        VectorSum sum = e.getValue();
        if (sum.count > 0) {
          int base = e.getKey() * old.d;
          for (int i = 0; i < old.d; i++) {
            flat[base + i] = (float) (sum.sum[i] / sum.count);
          }
        }
      }
      c.output(new Centroids(old.k, old.d, flat));
    }
  }
}
