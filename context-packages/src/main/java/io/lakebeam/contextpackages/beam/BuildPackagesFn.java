package io.lakebeam.contextpackages.beam;

import io.lakebeam.contextpackages.ContextPackage;
import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.PackageBuilder;
import io.lakebeam.contextpackages.ResolvedSource;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Builds one package per query row. Queries are buffered per bundle and embedded {@code batchSize}
 * at a time; the lakehouse (with its column cache), the model and the tokenizer are opened once per
 * worker JVM and shared. A topic that cannot be built (nothing retrieved, budget below one chunk)
 * goes to the bad-record output with the reason.
 */
final class BuildPackagesFn extends DoFn<Row, Row> {
  static final TupleTag<Row> BUILT = new TupleTag<>() {};

  private final LakeTarget source;
  private final ContextSpec spec;
  private final ResolvedSource resolved;
  private final int batchSize;
  private final BadRecordRouter badRecords;
  private final Counter built = Metrics.counter("lakebeam", "context_packages_built");
  private final Counter failed = Metrics.counter("lakebeam", "context_packages_failed");
  private transient PackageBuilder builder;
  private transient List<Pending> pending;

  private record Pending(Row query, Instant timestamp, BoundedWindow window) {}

  BuildPackagesFn(
      LakeTarget source,
      ContextSpec spec,
      ResolvedSource resolved,
      int batchSize,
      BadRecordRouter badRecords) {
    this.source = source;
    this.spec = spec;
    this.resolved = resolved;
    this.batchSize = batchSize;
    this.badRecords = badRecords;
  }

  @Setup
  public void setup() {
    builder = PackageBuilder.open(source.lakehouse(), spec, resolved);
  }

  @StartBundle
  public void startBundle() {
    pending = new ArrayList<>();
  }

  @ProcessElement
  public void process(
      @Element Row query,
      @Timestamp Instant timestamp,
      BoundedWindow window,
      MultiOutputReceiver out)
      throws Exception {
    pending.add(new Pending(query, timestamp, window));
    if (pending.size() >= batchSize) {
      flush(
          (p, row) -> out.get(BUILT).output(row),
          (p, e) ->
              badRecords.route(
                  out, recordOf(p), StringUtf8Coder.of(), e, "[context] " + e.getMessage()));
    }
  }

  @FinishBundle
  public void finishBundle(FinishBundleContext c) throws Exception {
    flush(
        (p, row) -> c.output(BUILT, row, p.timestamp(), p.window()),
        (p, e) ->
            badRecords.route(
                c,
                recordOf(p),
                StringUtf8Coder.of(),
                e,
                "[context] " + e.getMessage(),
                p.window()));
  }

  private interface Emit {
    void accept(Pending p, Row row) throws Exception;
  }

  private interface Fail {
    void accept(Pending p, Exception e) throws Exception;
  }

  private void flush(Emit emit, Fail fail) throws Exception {
    if (pending.isEmpty()) {
      return;
    }
    List<String> texts = pending.stream().map(p -> p.query().getString("text")).toList();
    float[][] vectors = builder.embed(texts);
    for (int i = 0; i < pending.size(); i++) {
      Pending p = pending.get(i);
      ContextSpec.Query q =
          new ContextSpec.Query(p.query().getString("topic"), p.query().getString("text"));
      ContextPackage pkg;
      try {
        pkg = builder.build(q, vectors[i]);
      } catch (LakebeamException e) {
        if (e.kind() == LakebeamException.Kind.INTERNAL) {
          throw e;
        }
        failed.inc();
        fail.accept(p, e);
        continue;
      }
      built.inc();
      emit.accept(p, PackageRows.toRow(pkg));
    }
    pending.clear();
  }

  private String recordOf(Pending p) {
    return "context://" + spec.name() + "/" + p.query().getString("topic");
  }
}
