package io.lakebeam.transforms.eval;

import io.lakebeam.core.eval.EvalResults;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.Row;

/**
 * One system's summed metrics as rows of the evaluation results table ({@link EvalResults}): one
 * row per metric with the mean over the scored queries.
 */
final class ResultRowsFn extends DoFn<KV<String, MetricSums>, Row> {
  /** The Beam schema of {@link EvalResults#SCHEMA}. */
  static final Schema SCHEMA =
      Schema.builder()
          .addStringField("run_id")
          .addDateTimeField("evaluated_at")
          .addStringField("collection")
          .addInt64Field("snapshot_id")
          .addStringField("system")
          .addStringField("fields")
          .addNullableStringField("models")
          .addStringField("metric")
          .addDoubleField("value")
          .addInt32Field("queries")
          .build();

  /** What every row of a run shares. */
  record RunInfo(
      String runId,
      Instant evaluatedAt,
      String collection,
      long snapshotId,
      List<String> metrics,
      Map<String, String> fields,
      Map<String, String> models)
      implements java.io.Serializable {}

  private final RunInfo run;

  ResultRowsFn(RunInfo run) {
    this.run = run;
  }

  @ProcessElement
  public void process(@Element KV<String, MetricSums> sums, OutputReceiver<Row> out) {
    String system = sums.getKey();
    MetricSums s = sums.getValue();
    for (int m = 0; m < run.metrics().size(); m++) {
      out.output(
          Row.withSchema(SCHEMA)
              .addValues(
                  run.runId(),
                  new org.joda.time.Instant(run.evaluatedAt().toEpochMilli()),
                  run.collection(),
                  run.snapshotId(),
                  system,
                  run.fields().get(system),
                  run.models().get(system),
                  run.metrics().get(m),
                  s.sums()[m] / s.queries(),
                  Math.toIntExact(s.queries()))
              .build());
    }
  }
}
