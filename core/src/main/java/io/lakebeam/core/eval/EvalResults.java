package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * The evaluation results table (default {@code <namespace>.eval_results}): one row per (run,
 * system, metric), appended, so runs before and after a model upgrade (a backfill into a new vector
 * field) sit side by side before the cut-over. Any Iceberg engine reads it.
 *
 * <pre>{@code
 * EvalResults.append(lake, EvalResults.defaultTable("kb.chunks"), report.rows(runId, now));
 * }</pre>
 */
public final class EvalResults {
  /** The results table's name within the evaluated collection's namespace. */
  public static final String TABLE_NAME = "eval_results";

  /** The columns, in order, as {@code lakebeam collection create} types. */
  public static final Map<String, String> SCHEMA = schema();

  private EvalResults() {}

  private static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("run_id", "string not null");
    s.put("evaluated_at", "timestamptz not null");
    s.put("collection", "string not null");
    s.put("snapshot_id", "long not null");
    s.put("system", "string not null");
    s.put("fields", "string not null");
    s.put("models", "string");
    s.put("metric", "string not null");
    s.put("value", "double not null");
    s.put("queries", "int not null");
    return java.util.Collections.unmodifiableMap(s);
  }

  /** {@code kb.chunks -> kb.eval_results}; {@code docs -> eval_results} (the default namespace). */
  public static String defaultTable(String collection) {
    int dot = collection.lastIndexOf('.');
    return dot < 0 ? TABLE_NAME : collection.substring(0, dot + 1) + TABLE_NAME;
  }

  /**
   * Appends rows in one commit, creating the table when it does not exist; returns the new snapshot
   * id.
   */
  public static long append(Lakehouse lake, String table, List<EvalResultRow> rows) {
    Collection c = lake.createCollection(table, SCHEMA, Metric.COSINE, true);
    for (String column : SCHEMA.keySet()) {
      if (c.schema().findField(column) == null) {
        throw LakebeamException.invalid(
            "Cannot append evaluation results to '%s': it has no column '%s'; it is not an"
                + " evaluation results table, name another with --output",
            table, column);
      }
    }
    try (CollectionWriter w = c.newWriter()) {
      for (EvalResultRow r : rows) {
        Record rec = GenericRecord.create(c.schema());
        rec.setField("run_id", r.runId());
        rec.setField("evaluated_at", r.evaluatedAt().atOffset(ZoneOffset.UTC));
        rec.setField("collection", r.collection());
        rec.setField("snapshot_id", r.snapshotId());
        rec.setField("system", r.system());
        rec.setField("fields", r.fields());
        rec.setField("models", r.models());
        rec.setField("metric", r.metric());
        rec.setField("value", r.value());
        rec.setField("queries", r.queries());
        w.write(rec);
      }
      return w.commit();
    }
  }

  /** Every row of a results table, in file order. */
  public static List<EvalResultRow> read(Lakehouse lake, String table) {
    Collection c = lake.collection(table);
    List<EvalResultRow> out = new ArrayList<>();
    for (Record r :
        LiveRows.readAll(
            c.table(),
            TableState.of(c.table()),
            c.schema().select(SCHEMA.keySet().toArray(String[]::new)))) {
      out.add(
          new EvalResultRow(
              (String) r.getField("run_id"),
              ((java.time.OffsetDateTime) r.getField("evaluated_at")).toInstant(),
              (String) r.getField("collection"),
              (Long) r.getField("snapshot_id"),
              (String) r.getField("system"),
              (String) r.getField("fields"),
              (String) r.getField("models"),
              (String) r.getField("metric"),
              (Double) r.getField("value"),
              (Integer) r.getField("queries")));
    }
    return out;
  }
}
