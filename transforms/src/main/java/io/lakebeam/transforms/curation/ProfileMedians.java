package io.lakebeam.transforms.curation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.transforms.ApproximateQuantiles.ApproximateQuantilesCombineFn;
import org.apache.beam.sdk.transforms.Combine.CombineFn;

/**
 * The median of each entry of fixed-size profiles, in one global combine: one Beam approximate
 * quantile sketch per entry (exact while the input fits its buffer), so the profiles travel once,
 * not once per entry.
 */
final class ProfileMedians extends CombineFn<float[], List<Object>, double[]> {
  private final int size;
  private final CombineFn<Double, Object, List<Double>> sketch;

  @SuppressWarnings({"unchecked", "rawtypes"})
  ProfileMedians(int size) {
    this.size = size;
    this.sketch = (CombineFn) ApproximateQuantilesCombineFn.<Double>create(3);
  }

  @Override
  public List<Object> createAccumulator() {
    List<Object> acc = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      acc.add(sketch.createAccumulator());
    }
    return acc;
  }

  @Override
  public List<Object> addInput(List<Object> acc, float[] profile) {
    for (int i = 0; i < size; i++) {
      acc.set(i, sketch.addInput(acc.get(i), (double) profile[i]));
    }
    return acc;
  }

  @Override
  public List<Object> mergeAccumulators(Iterable<List<Object>> accs) {
    List<Object> out = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      List<Object> entry = new ArrayList<>();
      for (List<Object> acc : accs) {
        entry.add(acc.get(i));
      }
      out.add(sketch.mergeAccumulators(entry));
    }
    return out;
  }

  /** The medians by entry; 0 for an empty input. */
  @Override
  public double[] extractOutput(List<Object> acc) {
    double[] medians = new double[size];
    for (int i = 0; i < size; i++) {
      List<Double> q = sketch.extractOutput(acc.get(i));
      medians[i] = q.isEmpty() ? 0 : q.get(q.size() / 2);
    }
    return medians;
  }

  @Override
  public Coder<List<Object>> getAccumulatorCoder(CoderRegistry registry, Coder<float[]> input)
      throws CannotProvideCoderException {
    return new SketchesCoder(ListCoder.of(sketch.getAccumulatorCoder(registry, DoubleCoder.of())));
  }

  /** The sketches' list coder, under the accumulator's declared type. */
  private static final class SketchesCoder extends CustomCoder<List<Object>> {
    private final ListCoder<Object> sketches;

    SketchesCoder(ListCoder<Object> sketches) {
      this.sketches = sketches;
    }

    @Override
    public void encode(List<Object> value, OutputStream out) throws IOException {
      sketches.encode(value, out);
    }

    @Override
    public List<Object> decode(InputStream in) throws IOException {
      return sketches.decode(in);
    }
  }
}
