package io.lakebeam.cli;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.Lake;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Runs a curation pipeline over a collection: read it, apply the transforms (rows they cannot use
 * go to {@code <namespace>.failures}), write the computed fields back as columns, then refresh the
 * collection's vector indexes (the write-back rewrote its data files). Returns a JSON-ready
 * summary.
 */
final class CurationRun {
  private CurationRun() {}

  static Map<String, Object> run(
      Lakehouse lake,
      String collection,
      PipelineOptions options,
      BiFunction<PCollection<Row>, ErrorHandler<BadRecord, ?>, PCollection<Row>> curate) {
    Collection c = lake.collection(collection);
    String failures = namespaceOf(c.name()) + ".failures";
    Pipeline p = Pipeline.create(options);
    try (BadRecordErrorHandler<PCollection<Row>> handler =
        p.registerBadRecordErrorHandler(Lake.writeFailures(lake, failures))) {
      curate
          .apply(p.apply("Read " + c.name(), Lake.read(lake, c.name())), handler)
          .apply("Write back", Lake.writeBackColumns(lake, c.name()));
    }
    long start = System.nanoTime();
    PipelineResult result;
    io.lakebeam.transforms.LocalProgress.reset();
    try (ProgressReporter progress = ProgressReporter.startCuration(start)) {
      result = p.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        throw new IllegalStateException("the pipeline ended " + state);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    c.refreshMetadata();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("collection", c.name());
    summary.put("snapshot_id", c.snapshotId());
    summary.put("rows", c.table().currentSnapshot().summary().get("total-records"));
    summary.put("failed_records", BeamMetrics.counter(result, "records_failed"));
    summary.put("failures_table", failures);
    summary.put("seconds", Math.round(seconds * 100) / 100.0);
    List<Map<String, Object>> refreshed =
        lake.indexes().refresh(c).stream().map(r -> r.toMap()).toList();
    if (!refreshed.isEmpty()) {
      summary.put("indexes", refreshed);
    }
    return summary;
  }

  static String namespaceOf(String collection) {
    int dot = collection.lastIndexOf('.');
    return dot < 0 ? "default" : collection.substring(0, dot);
  }
}
