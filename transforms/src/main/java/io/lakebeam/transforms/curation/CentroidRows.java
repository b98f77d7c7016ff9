package io.lakebeam.transforms.curation;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/**
 * The rows of a centroids table: each centroid with its cluster's size and inertia, summed from the
 * per-block assignments in one global combine.
 */
final class CentroidRows extends PTransform<PCollection<ClusterAssignments>, PCollection<Row>> {
  private final String field;
  private final int dimension;
  private final PCollectionView<Centroids> centroids;

  CentroidRows(String field, int dimension, PCollectionView<Centroids> centroids) {
    this.field = field;
    this.dimension = dimension;
    this.centroids = centroids;
  }

  @Override
  public PCollection<Row> expand(PCollection<ClusterAssignments> assigned) {
    Schema schema = KMeans.centroidSchema(dimension);
    String f = field;
    PCollectionView<Centroids> view = centroids;
    return assigned
        .apply("Size and inertia", Combine.globally(new SizeAndInertia()))
        .setCoder(SerializableCoder.of(double[][].class))
        .apply(
            "Centroid rows",
            ParDo.of(
                    new DoFn<double[][], Row>() {
                      @ProcessElement
                      public void process(ProcessContext c) {
                        Centroids all = c.sideInput(view);
                        double[][] stats = c.element();
                        for (int i = 0; i < all.k; i++) {
                          double size = i < stats[0].length ? stats[0][i] : 0;
                          double inertia = i < stats[1].length ? stats[1][i] : 0;
                          List<Float> v = new ArrayList<>(all.d);
                          for (float x : all.centroid(i)) {
                            v.add(x);
                          }
                          c.output(
                              Row.withSchema(schema)
                                  .addValues(f, i, (long) size, inertia, v)
                                  .build());
                        }
                      }
                    })
                .withSideInputs(view))
        .setRowSchema(schema);
  }

  /** {sizes, inertias} per cluster. */
  private static final class SizeAndInertia
      extends Combine.CombineFn<ClusterAssignments, double[][], double[][]> {
    @Override
    public double[][] createAccumulator() {
      return new double[2][0];
    }

    private static double[][] grow(double[][] acc, int k) {
      if (acc[0].length < k) {
        acc[0] = java.util.Arrays.copyOf(acc[0], k);
        acc[1] = java.util.Arrays.copyOf(acc[1], k);
      }
      return acc;
    }

    @Override
    public double[][] addInput(double[][] acc, ClusterAssignments a) {
      for (int i = 0; i < a.clusters.length; i++) {
        grow(acc, a.clusters[i] + 1);
        acc[0][a.clusters[i]]++;
        acc[1][a.clusters[i]] += a.distances[i] * a.distances[i];
      }
      return acc;
    }

    @Override
    public double[][] mergeAccumulators(Iterable<double[][]> all) {
      double[][] out = createAccumulator();
      for (double[][] a : all) {
        grow(out, a[0].length);
        for (int i = 0; i < a[0].length; i++) {
          out[0][i] += a[0][i];
          out[1][i] += a[1][i];
        }
      }
      return out;
    }

    @Override
    public double[][] extractOutput(double[][] acc) {
      return acc;
    }
  }
}
