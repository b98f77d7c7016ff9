package io.lakebeam.flight;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The endpoints of the REST API in one table: path, the Flight request or action each runs (and so
 * the permission it needs, from {@link ActionPermissions}), and the JSON keys of its body with
 * their types. {@link RestApi} checks every body against this table, and {@link RestOpenApi}
 * publishes it as the OpenAPI document, so the two cannot disagree.
 *
 * <pre>{@code
 * RestEndpoints.Endpoint e = RestEndpoints.BY_PATH.get("/v2/vectordb/entities/search");
 * e.action(); // "search": needs read on the collection's namespace
 * }</pre>
 */
final class RestEndpoints {
  private RestEndpoints() {}

  /** One key of a request body: its JSON Schema, whether it is required, what it means. */
  record Key(String name, Map<String, Object> schema, boolean required, String description) {}

  /** One endpoint: {@code POST path} runs the Flight {@code action} (a request type or action). */
  record Endpoint(
      String path,
      String action,
      String summary,
      List<Key> keys,
      Map<String, Object> responseData) {
    Set<String> keyNames() {
      Set<String> s = new TreeSet<>();
      keys.forEach(k -> s.add(k.name()));
      return s;
    }
  }

  static final String PREFIX = "/v2/vectordb";

  static final Endpoint LIST =
      new Endpoint(
          PREFIX + "/collections/list",
          "list_collections",
          "Names of the collections the caller may read",
          List.of(),
          array(str()));

  static final Endpoint DESCRIBE =
      new Endpoint(
          PREFIX + "/collections/describe",
          "describe_collection",
          "Schema, vector fields, row count and indexes of a collection",
          List.of(collectionName()),
          object());

  static final Endpoint CREATE =
      new Endpoint(
          PREFIX + "/collections/create",
          "create_collection",
          "Create a collection from a schema, or the quick setup (id + vector of a dimension)",
          List.of(
              collectionName(),
              new Key(
                  "schema",
                  Map.of("type", "object", "additionalProperties", str()),
                  false,
                  "Column name to type: string, int, long, float, double, bool, timestamp, date,"
                      + " binary, float_vector(d)"),
              new Key("dimension", integer(1), false, "Quick setup: the vector's dimension"),
              new Key("primaryFieldName", str(), false, "Quick setup: id column (default id)"),
              new Key(
                  "vectorFieldName", str(), false, "Quick setup: vector column (default vector)"),
              new Key("metricType", str(), false, "COSINE (default), L2 or IP"),
              new Key("ifNotExists", bool(), false, "No error when it exists (default false)")),
          object());

  static final Endpoint DROP =
      new Endpoint(
          PREFIX + "/collections/drop",
          "drop_collection",
          "Drop a collection (purge: delete its data files too)",
          List.of(collectionName(), new Key("purge", bool(), false, "Delete data files too")),
          object());

  static final Endpoint INSERT =
      new Endpoint(
          PREFIX + "/entities/insert",
          "insert",
          "Insert rows as one atomic commit",
          List.of(
              collectionName(),
              new Key(
                  "data",
                  Map.of("type", "array", "minItems", 1, "items", Map.of("type", "object")),
                  true,
                  "Rows: objects of column name to value (vectors as lists of numbers, timestamps"
                      + " as ISO-8601, binary as base64)"),
              new Key(
                  "idempotencyKey",
                  str(),
                  false,
                  "A retried insert with the key of a committed one is a no-op")),
          Map.of(
              "type",
              "object",
              "required",
              List.of("insertCount", "snapshotId"),
              "properties",
              Map.of(
                  "insertCount",
                  integer(0),
                  "snapshotId",
                  integer(null),
                  "dataFiles",
                  integer(0))));

  static final Endpoint SEARCH =
      new Endpoint(
          PREFIX + "/entities/search",
          "search",
          "Nearest neighbours of query vectors (or texts, embedded by the field's model)",
          List.of(
              collectionName(),
              new Key(
                  "data",
                  Map.of(
                      "type",
                      "array",
                      "minItems",
                      1,
                      "items",
                      Map.of(
                          "oneOf",
                          List.of(
                              Map.of("type", "array", "items", Map.of("type", "number")), str()))),
                  true,
                  "Query vectors (lists of numbers) or query texts (strings)"),
              new Key("annsField", str(), false, "The vector field (default: the only one)"),
              new Key("limit", integer(1), false, "Hits per query (top_k, default 10)"),
              new Key("filter", str(), false, "Filter on scalar columns, e.g. lang = 'en'"),
              new Key("outputFields", strings(), false, "Columns returned with each hit"),
              new Key(
                  "searchParams",
                  Map.of(
                      "type",
                      "object",
                      "additionalProperties",
                      false,
                      "properties",
                      Map.of(
                          "params",
                          Map.of(
                              "type",
                              "object",
                              "additionalProperties",
                              false,
                              "properties",
                              Map.of("ef", integer(0))))),
                  false,
                  "{\"params\": {\"ef\": 64}}: search breadth of the graph index")),
          hits());

  static final Endpoint QUERY =
      new Endpoint(
          PREFIX + "/entities/query",
          "read",
          "Rows that match a filter",
          List.of(
              collectionName(),
              new Key("filter", str(), false, "Filter on scalar columns (default: every row)"),
              new Key("outputFields", strings(), false, "Columns returned (default: all)"),
              new Key("limit", integer(0), false, "Most rows returned (default 100)")),
          array(object()));

  static final Endpoint GET =
      new Endpoint(
          PREFIX + "/entities/get",
          "read",
          "Rows by their id column",
          List.of(
              collectionName(),
              new Key(
                  "id",
                  Map.of(
                      "oneOf",
                      List.of(scalar(), Map.of("type", "array", "minItems", 1, "items", scalar()))),
                  true,
                  "One id or a list of ids (values of the column named by primaryFieldName)"),
              new Key("primaryFieldName", str(), false, "The id column (default id)"),
              new Key("outputFields", strings(), false, "Columns returned (default: all)")),
          array(object()));

  static final Endpoint CONTEXT =
      new Endpoint(
          "/v2/lakebeam/context/get",
          "get_context",
          "A context package: text, citations, version, pins",
          List.of(
              new Key("name", str(), true, "Package name"),
              new Key("topic", str(), true, "Topic"),
              new Key("version", integer(1), false, "Version (default: latest)"),
              new Key("table", str(), false, "Packages table (default context.packages)")),
          object());

  static final List<Endpoint> ALL =
      List.of(LIST, DESCRIBE, CREATE, DROP, INSERT, SEARCH, QUERY, GET, CONTEXT);

  static final Map<String, Endpoint> BY_PATH;

  static {
    Map<String, Endpoint> m = new LinkedHashMap<>();
    ALL.forEach(e -> m.put(e.path(), e));
    BY_PATH = Map.copyOf(m);
  }

  private static Key collectionName() {
    return new Key("collectionName", str(), true, "The collection, e.g. docs or corpus.chunks");
  }

  static Map<String, Object> str() {
    return Map.of("type", "string");
  }

  static Map<String, Object> bool() {
    return Map.of("type", "boolean");
  }

  static Map<String, Object> object() {
    return Map.of("type", "object");
  }

  static Map<String, Object> integer(Integer minimum) {
    return minimum == null
        ? Map.of("type", "integer")
        : Map.of("type", "integer", "minimum", minimum);
  }

  static Map<String, Object> strings() {
    return array(str());
  }

  static Map<String, Object> array(Map<String, Object> items) {
    return Map.of("type", "array", "items", items);
  }

  private static Map<String, Object> scalar() {
    return Map.of("oneOf", List.of(str(), Map.of("type", "integer")));
  }

  private static Map<String, Object> hits() {
    Map<String, Object> props = new LinkedHashMap<>();
    props.put("query_index", integer(0));
    props.put("rank", integer(0));
    props.put("score", Map.of("type", "number"));
    props.put("distance", Map.of("type", "number"));
    props.put("_file", str());
    props.put("_pos", integer(0));
    return array(
        Map.of("type", "object", "required", new ArrayList<>(props.keySet()), "properties", props));
  }
}
