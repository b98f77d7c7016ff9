package io.lakebeam.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.PipelineResult;

/** What an ingest did, from the pipeline's Beam metrics (exact on every runner). */
final class IngestSummary {
  private IngestSummary() {}

  static Map<String, Object> of(PipelineResult result, Class<?> runner, double seconds) {
    long extracted = BeamMetrics.counter(result, "documents_extracted");
    long skipped = BeamMetrics.counter(result, "documents_skipped");
    long failed = BeamMetrics.counter(result, "documents_failed");
    long bytes = BeamMetrics.counter(result, "document_bytes");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(
        "runner", runner.getSimpleName().replace("Runner", "").toLowerCase(java.util.Locale.ROOT));
    m.put("files", extracted + skipped + failed);
    m.put("documents", extracted);
    m.put("bytes", bytes);
    m.put("chunks", BeamMetrics.counter(result, "texts_embedded"));
    m.put("skipped", skipped);
    m.put("failures", failed);
    m.put("failed_records", BeamMetrics.counter(result, "records_failed"));
    m.put("seconds", Math.round(seconds * 100) / 100.0);
    m.put("documents_per_s", Math.round(extracted / seconds * 100) / 100.0);
    m.put("mb_per_s", Math.round(bytes / 1e6 / seconds * 1000) / 1000.0);
    return m;
  }
}
