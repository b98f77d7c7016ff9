package io.lakebeam.flight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one REST request: checks its body against {@link RestEndpoints}, translates it into the
 * Flight request or action it stands for and runs that through the {@link LakebeamService}, the
 * same code a Flight client reaches. Returns the reply's {@code data}.
 *
 * <pre>{@code
 * Object data = api.run(RestEndpoints.SEARCH, body, new RestCall("analyst"));
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class RestApi {
  /** Rows a query or get returns when it gives no {@code limit}. */
  static final int DEFAULT_QUERY_LIMIT = 100;

  private final LakebeamService service;

  RestApi(LakebeamService service) {
    this.service = service;
  }

  Object run(RestEndpoints.Endpoint e, Map<String, Object> raw, RestCall call) {
    String what = "the body of " + e.path();
    checkBody(e, raw, what);
    Json body = Json.of(raw, what);
    return switch (e.action()) {
      case "list_collections" -> {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) action(call, e, Map.of());
        yield r.get("collections");
      }
      case "describe_collection" ->
          action(call, e, Map.of("collection", body.string("collectionName")));
      case "create_collection" -> create(call, e, body);
      case "drop_collection" -> {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("collection", body.string("collectionName"));
        a.put("purge", body.optBool("purge", false));
        yield action(call, e, a);
      }
      case "insert" -> insert(call, body);
      case "search" -> search(call, body);
      case "read" -> e == RestEndpoints.GET ? get(call, body) : query(call, body);
      case "get_context" -> {
        Map<String, Object> a = new LinkedHashMap<>(raw);
        yield action(call, e, a);
      }
      default -> throw new IllegalStateException("No handler for " + e.path());
    };
  }

  /** The keys, required keys and JSON types of a body; an unknown key names the closest. */
  static void checkBody(RestEndpoints.Endpoint e, Map<String, Object> raw, String what) {
    Map<String, Object> props = new LinkedHashMap<>();
    List<String> required = new ArrayList<>();
    for (RestEndpoints.Key k : e.keys()) {
      props.put(k.name(), k.schema());
      if (k.required()) {
        required.add(k.name());
      }
    }
    RestSchema.check(
        raw,
        Map.of(
            "type",
            "object",
            "properties",
            props,
            "required",
            required,
            "additionalProperties",
            false),
        "",
        what);
  }

  private Object action(RestCall call, RestEndpoints.Endpoint e, Map<String, Object> body) {
    return service.action(call, e.action(), Json.of(body, "the body of " + e.path()));
  }

  private Object create(RestCall call, RestEndpoints.Endpoint e, Json body) {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("collection", body.string("collectionName"));
    boolean quick = body.has("dimension");
    if (quick == body.has("schema")) {
      throw Errors.invalid(
          "Cannot read the body of %s: give 'schema' ({\"text\": \"string\", \"vector\":"
              + " \"float_vector(384)\"}) or the quick setup's 'dimension', not %s",
          e.path(), quick ? "both" : "neither");
    }
    if (quick) {
      Map<String, Object> schema = new LinkedHashMap<>();
      String id = body.has("primaryFieldName") ? body.string("primaryFieldName") : "id";
      String vector = body.has("vectorFieldName") ? body.string("vectorFieldName") : "vector";
      schema.put(id, "long");
      schema.put(vector, "float_vector(" + body.optInt("dimension", 0) + ")");
      a.put("schema", schema);
    } else {
      for (String k : List.of("primaryFieldName", "vectorFieldName")) {
        if (body.has(k)) {
          throw Errors.invalid(
              "Cannot read the body of %s: '%s' belongs to the quick setup (with 'dimension');"
                  + " with a 'schema', name the columns there",
              e.path(), k);
        }
      }
      a.put("schema", body.map().get("schema"));
    }
    if (body.has("metricType")) {
      a.put("metric", body.string("metricType"));
    }
    a.put("if_not_exists", body.optBool("ifNotExists", false));
    return action(call, e, a);
  }

  private Object insert(RestCall call, Json body) {
    String collection = body.string("collectionName");
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("type", "insert");
    cmd.put("collection", collection);
    if (body.has("idempotencyKey")) {
      cmd.put("idempotency_key", body.string("idempotencyKey"));
    }
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> rows = (List<Map<String, Object>>) body.map().get("data");
    Map<String, Object> r =
        RestRows.insert(service, call, Json.of(cmd, "the insert request"), rows);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("insertCount", r.get("rows"));
    out.put("snapshotId", r.get("snapshot_id"));
    out.put("dataFiles", r.get("data_files"));
    return out;
  }

  private Object search(RestCall call, Json body) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "search");
    t.put("collection", body.string("collectionName"));
    List<?> data = (List<?>) body.map().get("data");
    if (data.get(0) instanceof String) {
      t.put("texts", body.optStrings("data"));
    } else {
      body.vectors("data"); // names 'data' in errors; the service parses them again
      t.put("vectors", data);
    }
    putIfPresent(t, "field", body, "annsField");
    t.put("top_k", body.optInt("limit", 10));
    putIfPresent(t, "filter", body, "filter");
    List<String> outputs = body.optStrings("outputFields");
    t.put("output_fields", outputs);
    Object params = body.optObject("searchParams").get("params");
    if (params instanceof Map<?, ?> p && p.get("ef") != null) {
      t.put("ef", p.get("ef"));
    }
    List<Map<String, Object>> rows = stream(call, t, "the search request");
    List<Map<String, Object>> hits = new ArrayList<>(rows.size());
    for (Map<String, Object> row : rows) {
      Map<String, Object> hit = new LinkedHashMap<>();
      hit.put("query_index", row.get("query_index"));
      hit.put("rank", row.get("rank"));
      hit.put("score", row.get("_score"));
      hit.put("distance", row.get("_distance"));
      hit.put("_file", row.get("_file"));
      hit.put("_pos", row.get("_pos"));
      // by position: an output column may share its name with a result column
      List<Object> values = new ArrayList<>(row.values());
      for (int j = 0; j < outputs.size(); j++) {
        hit.put(outputs.get(j), values.get(SearchStream.FIXED_COLUMNS + j));
      }
      hits.add(hit);
    }
    return hits;
  }

  private Object query(RestCall call, Json body) {
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "read");
    t.put("collection", body.string("collectionName"));
    putIfPresent(t, "filter", body, "filter");
    if (body.has("outputFields")) {
      t.put("columns", body.optStrings("outputFields"));
    }
    int limit = body.optInt("limit", DEFAULT_QUERY_LIMIT);
    if (limit > service.limits().maxResults()) {
      // the rows are held in memory as JSON: bounded like a search's results
      throw ServerLimits.exceeded(
          "a query of limit=" + limit, service.limits().maxResults(), "--max-results");
    }
    t.put("limit", limit);
    return stream(call, t, "the query request");
  }

  private Object get(RestCall call, Json body) {
    Object id = body.map().get("id");
    List<?> ids = id instanceof List<?> l ? l : List.of(id);
    String column = body.has("primaryFieldName") ? body.string("primaryFieldName") : "id";
    StringBuilder filter =
        new StringBuilder("\"").append(column.replace("\"", "\"\"")).append("\" IN (");
    for (int i = 0; i < ids.size(); i++) {
      Object v = ids.get(i);
      filter.append(i == 0 ? "" : ", ");
      filter.append(v instanceof String s ? "'" + s.replace("'", "''") + "'" : v.toString());
    }
    filter.append(")");
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("type", "read");
    t.put("collection", body.string("collectionName"));
    t.put("filter", filter.toString());
    if (body.has("outputFields")) {
      t.put("columns", body.optStrings("outputFields"));
    }
    t.put("limit", Math.max(DEFAULT_QUERY_LIMIT, ids.size()));
    return stream(call, t, "the get request");
  }

  private List<Map<String, Object>> stream(RestCall call, Map<String, Object> ticket, String what) {
    service.stream(call, Json.of(ticket, what), call);
    return call.rows();
  }

  private static void putIfPresent(Map<String, Object> t, String key, Json body, String restKey) {
    if (body.has(restKey)) {
      t.put(key, body.string(restKey));
    }
  }
}
