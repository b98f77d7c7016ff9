package io.lakebeam.transforms.curation;

import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;

/**
 * Passes elements on only once {@code signal} is complete (a grouping whose input also waits for
 * the signal), so a following stage that reads the signal as a side input finds it ready. Meant for
 * a few large elements (batches, per-file groups): on the Direct runner, every element that reaches
 * a side-input stage early is held back and retried, and each retry sets the stage up anew.
 */
final class WaitFor<T> extends PTransform<PCollection<T>, PCollection<T>> {
  private static final int KEYS = 16;
  private final PCollection<Object> signal;

  @SuppressWarnings("unchecked")
  WaitFor(PCollection<?> signal) {
    this.signal = (PCollection<Object>) signal;
  }

  @Override
  public PCollection<T> expand(PCollection<T> input) {
    Coder<T> coder = input.getCoder();
    KvCoder<Integer, T> keyed = KvCoder.of(VarIntCoder.of(), coder);
    return PCollectionList.of(input.apply("Spread", ParDo.of(new Spread<T>())).setCoder(keyed))
        .and(signal.apply("Signal", ParDo.of(new Nothing<Object, T>())).setCoder(keyed))
        .apply("With signal", Flatten.pCollections())
        .apply("Hold until complete", GroupByKey.create())
        .apply("Release", ParDo.of(new Release<T>()))
        .setCoder(coder);
  }

  private static final class Spread<T> extends DoFn<T, KV<Integer, T>> {
    private transient int next;

    @ProcessElement
    public void process(@Element T element, OutputReceiver<KV<Integer, T>> out) {
      next = (next + 1) % KEYS;
      out.output(KV.of(next, element));
    }
  }

  /** Emits nothing: its output is complete exactly when its input is. */
  private static final class Nothing<S, T> extends DoFn<S, KV<Integer, T>> {
    @ProcessElement
    public void process(@Element S ignored) {}
  }

  private static final class Release<T> extends DoFn<KV<Integer, Iterable<T>>, T> {
    @ProcessElement
    public void process(@Element KV<Integer, Iterable<T>> group, OutputReceiver<T> out) {
      group.getValue().forEach(out::output);
    }
  }
}
