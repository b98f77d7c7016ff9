package io.lakebeam.transforms.curation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.Row;

/** The rows of a centroids table: each centroid with its cluster's size and inertia. */
final class CentroidRows extends PTransform<PCollection<KV<String, Row>>, PCollection<Row>> {
  private final String field;
  private final int dimension;
  private final String prefix;
  private final PCollectionView<Centroids> centroids;

  CentroidRows(String field, int dimension, String prefix, PCollectionView<Centroids> centroids) {
    this.field = field;
    this.dimension = dimension;
    this.prefix = prefix;
    this.centroids = centroids;
  }

  @Override
  public PCollection<Row> expand(PCollection<KV<String, Row>> assigned) {
    String id = prefix + "id";
    String distance = prefix + "distance";
    PCollectionView<Map<Integer, double[]>> stats =
        assigned
            .apply(
                "Cluster of row",
                ParDo.of(
                    new DoFn<KV<String, Row>, KV<Integer, Double>>() {
                      @ProcessElement
                      public void process(
                          @Element KV<String, Row> r, OutputReceiver<KV<Integer, Double>> out) {
                        double d = r.getValue().getDouble(distance);
                        out.output(KV.of(r.getValue().getInt32(id), d * d));
                      }
                    }))
            .setCoder(KvCoder.of(VarIntCoder.of(), org.apache.beam.sdk.coders.DoubleCoder.of()))
            .apply("Size and inertia", Combine.perKey(new SizeAndInertia()))
            .setCoder(KvCoder.of(VarIntCoder.of(), SerializableCoder.of(double[].class)))
            .apply("Stats view", View.asMap());
    Schema schema = KMeans.centroidSchema(dimension);
    String f = field;
    return assigned
        .getPipeline()
        .apply("One", org.apache.beam.sdk.transforms.Create.of(0))
        .apply(
            "Centroid rows",
            ParDo.of(
                    new DoFn<Integer, Row>() {
                      @ProcessElement
                      public void process(ProcessContext c) {
                        Centroids all = c.sideInput(centroids);
                        Map<Integer, double[]> s = c.sideInput(stats);
                        for (int i = 0; i < all.k; i++) {
                          double[] st = s.getOrDefault(i, new double[2]);
                          List<Float> v = new ArrayList<>(all.d);
                          for (float x : all.centroid(i)) {
                            v.add(x);
                          }
                          c.output(
                              Row.withSchema(schema)
                                  .addValues(f, i, (long) st[0], st[1], v)
                                  .build());
                        }
                      }
                    })
                .withSideInputs(centroids, stats))
        .setRowSchema(schema);
  }

  /** {count, sum of squared distances}. */
  private static final class SizeAndInertia extends Combine.CombineFn<Double, double[], double[]> {
    @Override
    public double[] createAccumulator() {
      return new double[2];
    }

    @Override
    public double[] addInput(double[] acc, Double squared) {
      acc[0]++;
      acc[1] += squared;
      return acc;
    }

    @Override
    public double[] mergeAccumulators(Iterable<double[]> all) {
      double[] out = new double[2];
      for (double[] a : all) {
        out[0] += a[0];
        out[1] += a[1];
      }
      return out;
    }

    @Override
    public double[] extractOutput(double[] acc) {
      return acc;
    }
  }
}
