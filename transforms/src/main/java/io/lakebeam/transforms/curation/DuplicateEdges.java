package io.lakebeam.transforms.curation;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;

/** A batch of verified duplicate pairs: two ranks and their similarity each. */
record DuplicateEdges(String[] from, String[] to, double[] similarity) {
  int size() {
    return from.length;
  }

  static final class Builder {
    private final List<String> from = new ArrayList<>();
    private final List<String> to = new ArrayList<>();
    private final List<Double> similarity = new ArrayList<>();

    void add(String a, String b, double s) {
      from.add(a);
      to.add(b);
      similarity.add(s);
    }

    boolean isEmpty() {
      return from.isEmpty();
    }

    DuplicateEdges build() {
      return new DuplicateEdges(
          from.toArray(String[]::new),
          to.toArray(String[]::new),
          similarity.stream().mapToDouble(Double::doubleValue).toArray());
    }
  }

  /** Batches {@code (rank, rank) -> similarity} pairs per bundle. */
  static final class FromPairs
      extends org.apache.beam.sdk.transforms.DoFn<
          org.apache.beam.sdk.values.KV<org.apache.beam.sdk.values.KV<String, String>, Double>,
          DuplicateEdges> {
    private transient Builder pending;

    @StartBundle
    public void startBundle() {
      pending = new Builder();
    }

    @ProcessElement
    public void process(
        @Element
            org.apache.beam.sdk.values.KV<org.apache.beam.sdk.values.KV<String, String>, Double>
                pair) {
      pending.add(pair.getKey().getKey(), pair.getKey().getValue(), pair.getValue());
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext c) {
      if (!pending.isEmpty()) {
        c.output(
            pending.build(),
            org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE.maxTimestamp(),
            org.apache.beam.sdk.transforms.windowing.GlobalWindow.INSTANCE);
      }
      pending = null;
    }
  }

  static final class Coder extends AtomicCoder<DuplicateEdges> {
    private static final Coder INSTANCE = new Coder();

    static Coder of() {
      return INSTANCE;
    }

    @Override
    public void encode(DuplicateEdges value, OutputStream out) throws IOException {
      VarIntCoder.of().encode(value.size(), out);
      for (int i = 0; i < value.size(); i++) {
        StringUtf8Coder.of().encode(value.from[i], out);
        StringUtf8Coder.of().encode(value.to[i], out);
      }
      DataOutputStream data = new DataOutputStream(out);
      for (double s : value.similarity) {
        data.writeDouble(s);
      }
      data.flush();
    }

    @Override
    public DuplicateEdges decode(InputStream in) throws IOException {
      int n = VarIntCoder.of().decode(in);
      String[] from = new String[n];
      String[] to = new String[n];
      for (int i = 0; i < n; i++) {
        from[i] = StringUtf8Coder.of().decode(in);
        to[i] = StringUtf8Coder.of().decode(in);
      }
      DataInputStream data = new DataInputStream(in);
      double[] similarity = new double[n];
      for (int i = 0; i < n; i++) {
        similarity[i] = data.readDouble();
      }
      return new DuplicateEdges(from, to, similarity);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
