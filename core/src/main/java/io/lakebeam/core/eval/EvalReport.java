package io.lakebeam.core.eval;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The result of a retrieval evaluation: per system, the mean of each metric over the evaluated
 * queries (those of the queries table with at least one relevant document in the qrels).
 *
 * <pre>{@code
 * EvalReport report = evaluation.run();
 * System.out.print(report.table());
 * EvalResults.append(lake, "kb.eval_results", report.rows(runId, Instant.now()));
 * }</pre>
 *
 * @param collection the collection searched
 * @param snapshotId its snapshot
 * @param queries how many queries were evaluated
 * @param metrics the metrics, in column order
 * @param systems one entry per system, in the order given
 */
public record EvalReport(
    String collection,
    long snapshotId,
    int queries,
    List<RetrievalMetric> metrics,
    List<SystemScores> systems) {

  /**
   * One system's scores.
   *
   * @param system the spec, e.g. {@code vector:embedding}
   * @param fields the fields searched
   * @param models the models or analyzers of the fields
   * @param means per metric (in the report's order), the mean over the evaluated queries
   */
  public record SystemScores(String system, List<String> fields, String models, double[] means) {}

  /** The mean of {@code metric} for {@code system}, or NaN when either is not in the report. */
  public double value(String system, RetrievalMetric metric) {
    int m = metrics.indexOf(metric);
    for (SystemScores s : systems) {
      if (s.system().equals(system) && m >= 0) {
        return s.means()[m];
      }
    }
    return Double.NaN;
  }

  /** One results-table row per (system, metric). */
  public List<EvalResultRow> rows(String runId, Instant evaluatedAt) {
    List<EvalResultRow> out = new ArrayList<>();
    for (SystemScores s : systems) {
      for (int m = 0; m < metrics.size(); m++) {
        out.add(
            new EvalResultRow(
                runId,
                evaluatedAt,
                collection,
                snapshotId,
                s.system(),
                String.join(",", s.fields()),
                s.models(),
                metrics.get(m).wireName(),
                s.means()[m],
                queries));
      }
    }
    return out;
  }

  /** A plain-text table: one line per system, one column per metric. */
  public String table() {
    int width = "system".length();
    for (SystemScores s : systems) {
      width = Math.max(width, s.system().length());
    }
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%-" + width + "s", "system"));
    for (RetrievalMetric m : metrics) {
      b.append(String.format(Locale.ROOT, "  %10s", m.wireName()));
    }
    b.append('\n');
    for (SystemScores s : systems) {
      b.append(String.format(Locale.ROOT, "%-" + width + "s", s.system()));
      for (double v : s.means()) {
        b.append(String.format(Locale.ROOT, "  %10.4f", v));
      }
      b.append('\n');
    }
    b.append(
        String.format(
            Locale.ROOT, "%d queries, %s at snapshot %d%n", queries, collection, snapshotId));
    return b.toString();
  }
}
