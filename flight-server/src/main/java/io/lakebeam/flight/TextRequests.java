package io.lakebeam.flight;

import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.TextSearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The BM25 text side of the protocol: a search ticket with {@code "query_type": "text"} and a
 * {@code create_index} with {@code "index_type": "bm25"}.
 *
 * <pre>{@code
 * {"type": "search", "collection": "kb.chunks", "query_type": "text", "field": "text",
 *  "text": "\"release notes\" +bookworm", "top_k": 10, "filter": "lang = 'en'",
 *  "output_fields": ["text"]}
 * }</pre>
 */
final class TextRequests {
  /** Values of {@code query_type} that ask for a BM25 search ({@code fts}: LanceDB's name). */
  static final Set<String> TEXT_TYPES = Set.of("text", "fts");

  /** Keys of a vector search that a text search refuses rather than ignores. */
  private static final List<String> VECTOR_KEYS =
      List.of("vectors", "vectors_f32", "dim", "texts", "ef");

  /** Index types that build a text index. */
  static final Set<String> TEXT_INDEX_TYPES = Set.of("BM25", "FTS", "INVERTED");

  private TextRequests() {}

  /** Whether a search ticket asks for a text search; an unknown query_type is refused. */
  static boolean isText(Json t) {
    String type = t.optString("query_type");
    if (type == null || type.equalsIgnoreCase("vector")) {
      return false;
    }
    if (TEXT_TYPES.contains(type.toLowerCase(Locale.ROOT))) {
      return true;
    }
    throw Errors.invalid(
        "Cannot search with query_type '%s': use 'vector' (the default) or 'text'", type);
  }

  /** The typed request of a text search ticket (checked, not run). */
  static TextSearchRequest request(Collection c, Json t, ServerLimits limits) {
    for (String k : VECTOR_KEYS) {
      if (t.has(k)) {
        throw Errors.invalid(
            "Cannot search text with '%s': a text search takes 'text'; drop '%s' or use"
                + " query_type 'vector'",
            k, k);
      }
    }
    int topK = t.optInt("top_k", 10);
    String filter = t.optString("filter");
    limits.checkFilter(filter);
    limits.checkSearch(1, topK, 0);
    String field = t.optString("field");
    if (field == null) {
      List<String> fields = c.lakehouse().textIndexes().fields(c);
      if (fields.size() != 1) {
        throw Errors.invalid(
            "Cannot search text in '%s': it has %s text indexes %s; name one with 'field'",
            c.name(), fields.isEmpty() ? "no" : fields.size(), fields);
      }
      field = fields.get(0);
    }
    return new TextSearchRequest(field, t.string("text"), topK, filter);
  }

  /** Checks a text search without running it (GetFlightInfo): the request and output columns. */
  static void check(Collection c, Json t, ServerLimits limits, List<String> outputs) {
    c.checkColumns(outputs);
    TextSearchRequest r = request(c, t, limits);
    if (!c.lakehouse().textIndexes().has(c, r.field())) {
      c.lakehouse().textIndexes().search(c, r); // names the command that builds the index
    }
  }

  /** Runs a text search ticket: one query, so one result list. */
  static List<List<SearchHit>> search(Collection c, Json t, ServerLimits limits) {
    return List.of(c.lakehouse().textIndexes().search(c, request(c, t, limits)));
  }

  /** Whether a create_index asks for a text index. */
  static boolean isTextIndex(Json body) {
    if (!body.has("index_type")) {
      if (body.has("analyzer")) {
        throw Errors.invalid(
            "Cannot create index with an analyzer but no index_type: add \"index_type\": \"bm25\"");
      }
      return false;
    }
    boolean text = TEXT_INDEX_TYPES.contains(body.string("index_type").toUpperCase(Locale.ROOT));
    if (!text && body.has("analyzer")) {
      throw Errors.invalid(
          "Cannot create a %s index with an analyzer: analyzers belong to index_type 'bm25'",
          body.string("index_type"));
    }
    return text;
  }

  /**
   * Builds a text index: {@code {collection, field, index_type: bm25, analyzer?, params?: {k1,
   * b}}}.
   */
  static IndexService.BuildResult create(Lakehouse lake, Collection c, Json body) {
    if (body.has("metric")) {
      throw Errors.invalid("Cannot create a bm25 index with a metric: drop 'metric'");
    }
    Map<String, Object> params = body.optObject("params");
    float k1 = 1.2f;
    float b = 0.75f;
    if (params != null) {
      for (String key : params.keySet()) {
        if (!key.equals("k1") && !key.equals("b")) {
          throw Errors.invalid("Cannot use bm25 parameter '%s': known parameters are k1, b", key);
        }
      }
      k1 = number(params, "k1", k1);
      b = number(params, "b", b);
    }
    return lake.textIndexes().build(c, body.string("field"), body.optString("analyzer"), k1, b);
  }

  private static float number(Map<String, Object> params, String key, float def) {
    Object v = params.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n) {
      return n.floatValue();
    }
    throw Errors.invalid("Cannot use bm25 parameter %s=%s: expected a number", key, v);
  }
}
