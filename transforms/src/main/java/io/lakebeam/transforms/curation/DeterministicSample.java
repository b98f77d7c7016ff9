package io.lakebeam.transforms.curation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.SerializableCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableComparator;
import org.apache.beam.sdk.transforms.Top;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;

/**
 * A repeatable sample of points: the {@code size} points with the smallest seeded hashes of their
 * ids, gathered by Beam's distributed top-n and ordered by hash, so that every runner and run draws
 * the same sample from the same rows. One element: the sample (empty without points).
 */
final class DeterministicSample
    extends PTransform<PCollection<KV<String, float[]>>, PCollection<float[][]>> {
  private final int size;
  private final long seed;

  DeterministicSample(int size, long seed) {
    this.size = size;
    this.seed = seed;
  }

  @Override
  public PCollection<float[][]> expand(PCollection<KV<String, float[]>> points) {
    long salt = seed;
    return points
        .apply(
            "Hash ids",
            ParDo.of(
                new DoFn<KV<String, float[]>, KV<Long, float[]>>() {
                  @ProcessElement
                  public void process(
                      @Element KV<String, float[]> p, OutputReceiver<KV<Long, float[]>> out) {
                    long h = Shingles.mix(p.getKey().hashCode() * 0x9E3779B97F4A7C15L + salt);
                    out.output(KV.of(h, p.getValue()));
                  }
                }))
        .setCoder(KvCoder.of(VarLongCoder.of(), FloatArrayCoder.of()))
        .apply("Smallest hashes", Top.of(size, new ByHash()))
        .apply(
            "Order by hash",
            ParDo.of(
                new DoFn<List<KV<Long, float[]>>, float[][]>() {
                  @ProcessElement
                  public void process(
                      @Element List<KV<Long, float[]>> sample, OutputReceiver<float[][]> out) {
                    List<KV<Long, float[]>> sorted = new ArrayList<>(sample);
                    sorted.sort(Comparator.comparing(KV::getKey));
                    out.output(sorted.stream().map(KV::getValue).toArray(float[][]::new));
                  }
                }))
        .setCoder(SerializableCoder.of(float[][].class));
  }

  /** Orders points so that Top keeps the smallest hashes. */
  private static final class ByHash implements SerializableComparator<KV<Long, float[]>> {
    @Override
    public int compare(KV<Long, float[]> a, KV<Long, float[]> b) {
      return Long.compare(b.getKey(), a.getKey());
    }
  }
}
