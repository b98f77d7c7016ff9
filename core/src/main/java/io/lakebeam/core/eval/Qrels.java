package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Relevance judgments (TREC qrels): per query id, the judged document ids and their graded
 * relevance. A relevance above 0 is relevant; 0 or less is judged not relevant.
 *
 * <pre>{@code
 * Qrels qrels = Qrels.read(lake.collection("kb.qrels"));   // query_id, doc_id, relevance
 * Map<String, Integer> judged = qrels.judgments("q1");
 * }</pre>
 *
 * <p>Immutable.
 */
public final class Qrels {
  /** The qrels table's columns. */
  public static final String QUERY_ID = "query_id";

  public static final String DOC_ID = "doc_id";
  public static final String RELEVANCE = "relevance";

  private final Map<String, Map<String, Integer>> byQuery;

  private Qrels(Map<String, Map<String, Integer>> byQuery) {
    this.byQuery = byQuery;
  }

  /** Judgments from a map {@code query id -> (doc id -> relevance)}. */
  public static Qrels of(Map<String, Map<String, Integer>> judgments) {
    Map<String, Map<String, Integer>> copy = new LinkedHashMap<>();
    judgments.forEach(
        (q, docs) -> copy.put(q, Collections.unmodifiableMap(new LinkedHashMap<>(docs))));
    return new Qrels(Collections.unmodifiableMap(copy));
  }

  /**
   * Reads a qrels table with the columns {@code query_id}, {@code doc_id} (strings or whole
   * numbers) and {@code relevance} (a whole number); a repeated pair keeps its last relevance.
   */
  public static Qrels read(Collection table) {
    Schema schema = table.schema();
    for (String column : List.of(QUERY_ID, DOC_ID, RELEVANCE)) {
      if (schema.findField(column) == null) {
        throw LakebeamException.invalid(
            "Cannot read qrels from '%s': it has no column '%s'; a qrels table has the columns"
                + " query_id, doc_id, relevance (its columns are %s)",
            table.name(), column, schema.columns().stream().map(Types.NestedField::name).toList());
      }
    }
    Type.TypeID relevanceType = schema.findField(RELEVANCE).type().typeId();
    if (relevanceType != Type.TypeID.INTEGER && relevanceType != Type.TypeID.LONG) {
      throw LakebeamException.invalid(
          "Cannot read qrels from '%s': column relevance is %s; use int or long grades (0 = not"
              + " relevant, 1, 2, ... = more relevant)",
          table.name(), schema.findField(RELEVANCE).type());
    }
    Map<String, Map<String, Integer>> byQuery = new LinkedHashMap<>();
    List<Record> rows =
        LiveRows.readAll(
            table.table(),
            TableState.of(table.table()),
            schema.select(QUERY_ID, DOC_ID, RELEVANCE));
    for (Record r : rows) {
      Object q = r.getField(QUERY_ID);
      Object d = r.getField(DOC_ID);
      Object rel = r.getField(RELEVANCE);
      if (q == null || d == null || rel == null) {
        throw LakebeamException.invalid(
            "Cannot read qrels from '%s': a row has a null query_id, doc_id or relevance (%s)",
            table.name(), r);
      }
      byQuery
          .computeIfAbsent(q.toString(), k -> new LinkedHashMap<>())
          .put(d.toString(), ((Number) rel).intValue());
    }
    if (byQuery.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot evaluate with qrels table '%s': it has no rows", table.name());
    }
    return of(byQuery);
  }

  /** The judged query ids, in the order first seen. */
  public Set<String> queryIds() {
    return byQuery.keySet();
  }

  /** The judgments of one query (empty when it has none). */
  public Map<String, Integer> judgments(String queryId) {
    return byQuery.getOrDefault(queryId, Map.of());
  }

  /** Whether the query has at least one relevant document. */
  public boolean hasRelevant(String queryId) {
    return judgments(queryId).values().stream().anyMatch(r -> r > 0);
  }

  /** Every judged document id. */
  public Set<String> docIds() {
    Set<String> out = new LinkedHashSet<>();
    byQuery.values().forEach(m -> out.addAll(m.keySet()));
    return out;
  }
}
