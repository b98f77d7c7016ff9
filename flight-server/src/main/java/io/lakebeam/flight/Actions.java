package io.lakebeam.flight;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;

/** The administrative actions of the server, each taking and returning a JSON object. */
final class Actions {
  static final List<ActionType> TYPES =
      List.of(
          new ActionType("list_collections", "{} -> {\"collections\": [names]}"),
          new ActionType(
              "describe_collection", "{collection} -> schema, vector fields, counts, indexes"),
          new ActionType(
              "create_collection",
              "{collection, schema: {col: type}, metric?, if_not_exists?} -> description"),
          new ActionType(
              "create_external_collection",
              "{collection, src: path|glob|s3 uri, schema?, metric?, strict?} -> {added_files, rejected, rows}"),
          new ActionType(
              "create_index",
              "{collection, field?, index_type?: HNSW, metric?, params?: {m, ef_construction, ef_search}} -> build result;"
                  + " index_type bm25: {collection, field, analyzer?, params?: {k1, b}} (text index)"),
          new ActionType(
              "refresh", "{collection} -> new/removed files, and incremental index refresh"),
          new ActionType("drop_index", "{collection, field} -> {dropped}"),
          new ActionType(
              "pin_collection",
              "{collection, pinned?: true} -> {collection, pinned}: keep its indexes hot (full"
                  + " vectors in memory, never demoted)"),
          new ActionType(
              "server_status",
              "{} -> index memory budget and use, demotions; disk cache budget, use, hits, evictions"),
          new ActionType("drop_collection", "{collection, purge?} -> {dropped}"),
          new ActionType(
              "get_context",
              "{name, topic, version?, table?} -> a context package: text, citations, version, pins"),
          new ActionType(
              "diff_context",
              "{name, topic, from, to, table?} -> citations added/removed, what changed"),
          new ActionType(
              "list_context",
              "{name?, topic?, table?} -> package names and topics, or the versions of one topic"));

  private final Lakehouse lake;
  private final CollectionCache collections;
  private final ContextActions contexts;
  private final IndexWarmup warmup;

  Actions(Lakehouse lake, CollectionCache collections, IndexWarmup warmup) {
    this.lake = lake;
    this.collections = collections;
    this.warmup = warmup;
    this.contexts = new ContextActions(lake, collections);
  }

  Object run(String type, Json body) {
    switch (type) {
      case "list_collections":
        return Map.of("collections", lake.listCollections());
      case "describe_collection":
        return collections.fresh(body.string("collection")).describe();
      case "create_collection":
        {
          String name = body.string("collection");
          Map<String, String> schema = body.optStringMap("schema");
          Collection c =
              lake.createCollection(
                  name,
                  schema,
                  Metric.parse(body.optString("metric")),
                  body.optBool("if_not_exists", false));
          return collections.fresh(c.name()).describe();
        }
      case "create_external_collection":
        {
          String name = body.string("collection");
          ExternalFiles.Result r =
              lake.createExternalCollection(
                  name,
                  body.string("src"),
                  body.optStringMap("schema"),
                  Metric.parse(body.optString("metric")),
                  body.optBool("strict", false));
          collections.fresh(name);
          return external(r);
        }
      case "create_index":
        {
          Collection c = collections.fresh(body.string("collection"));
          if (TextRequests.isTextIndex(body)) {
            IndexService.BuildResult text = TextRequests.create(lake, c, body);
            collections.fresh(c.name());
            return text.toMap();
          }
          String indexType =
              body.has("index_type") ? body.string("index_type").toUpperCase(Locale.ROOT) : "HNSW";
          if (!List.of("HNSW", "DISKANN", "JVECTOR").contains(indexType)) {
            throw Errors.invalid(
                "Cannot create index of type '%s': use HNSW (jVector graph index)", indexType);
          }
          Metric metric = body.has("metric") ? Metric.parse(body.string("metric")) : null;
          IndexService.BuildResult r =
              lake.indexes()
                  .build(
                      c,
                      body.optString("field"),
                      metric,
                      IndexParams.fromMap(body.optObject("params")));
          collections.fresh(c.name());
          warmup.collection(c.name());
          return r.toMap();
        }
      case "refresh":
        {
          Collection c = collections.fresh(body.string("collection"));
          ExternalFiles.Result files = c.refreshExternal();
          List<Map<String, Object>> indexes = new ArrayList<>();
          lake.indexes().refresh(c).forEach(r -> indexes.add(r.toMap()));
          collections.fresh(c.name());
          if (!indexes.isEmpty()) {
            warmup.collection(c.name());
          }
          Map<String, Object> out = external(files);
          out.put("indexes", indexes);
          return out;
        }
      case "drop_index":
        {
          Collection c = collections.fresh(body.string("collection"));
          String field = body.string("field");
          boolean text =
              body.has("index_type")
                  ? TextRequests.isTextIndex(body)
                  : !c.vectorFields().containsKey(field) && lake.textIndexes().has(c, field);
          if (text) {
            lake.textIndexes().drop(c, field);
          } else {
            lake.indexes().drop(c, field);
          }
          collections.fresh(c.name());
          return Map.of("dropped", true);
        }
      case "pin_collection":
        {
          Collection c = collections.fresh(body.string("collection"));
          boolean pinned = body.optBool("pinned", true);
          lake.indexes().pin(c, pinned);
          collections.fresh(c.name());
          return Map.of("collection", c.name(), "pinned", pinned);
        }
      case "server_status":
        return Map.of(
            "index_memory",
            lake.indexes().memory().toMap(),
            "disk_cache",
            lake.indexes().diskCache().stats().toMap());
      case "drop_collection":
        {
          String name = body.string("collection");
          boolean dropped = lake.dropCollection(name, body.optBool("purge", false));
          collections.forget(name);
          return Map.of("dropped", dropped);
        }
      case "get_context", "diff_context", "list_context":
        return contexts.run(type, body);
      default:
        throw CallStatus.UNIMPLEMENTED
            .withDescription(
                "Unknown action '" + type + "'; ListActions lists the actions this server has")
            .toRuntimeException();
    }
  }

  private static Map<String, Object> external(ExternalFiles.Result r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("collection", r.collection());
    m.put("added_files", r.addedFiles());
    m.put("removed_files", r.removedFiles());
    m.put("rows", r.rows());
    List<Map<String, String>> rejected = new ArrayList<>();
    r.rejected().forEach(x -> rejected.add(Map.of("file", x.file(), "reason", x.reason())));
    m.put("rejected", rejected);
    return m;
  }
}
