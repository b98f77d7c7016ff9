package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.RowPositions;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.Row;

/**
 * Groups rows by data file once {@code after} is complete. The rows then reach the side-input
 * stages that follow as a few per-file elements that find their side input ready, instead of as
 * every row, each held back and retried until it is (what the Direct runner does with a side input
 * that is still being computed). The grouping key is the data file, so a step holds one file's
 * rows.
 */
final class RowsByFile
    extends PTransform<PCollection<Row>, PCollection<KV<String, Iterable<Row>>>> {
  private final PCollection<?> after;

  RowsByFile(PCollection<?> after) {
    this.after = after;
  }

  @Override
  public PCollection<KV<String, Iterable<Row>>> expand(PCollection<Row> rows) {
    KvCoder<String, Row> coder = KvCoder.of(StringUtf8Coder.of(), rows.getCoder());
    PCollection<KV<String, Row>> keyed =
        rows.apply("Key by file", ParDo.of(new KeyByFile())).setCoder(coder);
    PCollection<KV<String, Row>> barrier =
        after.apply("Wait for", ParDo.of(new Nothing<>())).setCoder(coder);
    return PCollectionList.of(keyed)
        .and(barrier)
        .apply("With barrier", Flatten.pCollections())
        .apply("Group by file", GroupByKey.create());
  }

  private static final class KeyByFile extends DoFn<Row, KV<String, Row>> {
    @ProcessElement
    public void process(@Element Row row, OutputReceiver<KV<String, Row>> out) {
      out.output(KV.of(row.getString(RowPositions.FILE), row));
    }
  }

  /** Emits nothing: its output is complete exactly when its input is. */
  private static final class Nothing<T> extends DoFn<T, KV<String, Row>> {
    @ProcessElement
    public void process(@Element T ignored) {}
  }
}
