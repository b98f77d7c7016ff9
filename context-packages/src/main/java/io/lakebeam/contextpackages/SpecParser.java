package io.lakebeam.contextpackages;

import io.lakebeam.contextpackages.ContextSpec.Compress;
import io.lakebeam.contextpackages.ContextSpec.Order;
import io.lakebeam.contextpackages.ContextSpec.Query;
import io.lakebeam.contextpackages.ContextSpec.QueryTable;
import io.lakebeam.contextpackages.ContextSpec.Rerank;
import io.lakebeam.contextpackages.ContextSpec.RerankMethod;
import io.lakebeam.contextpackages.ContextSpec.Source;
import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * Reads a {@link ContextSpec} from YAML (or the map JSON gives), refusing unknown keys with the
 * closest known one, so a typo never silently falls back to a default.
 *
 * <pre>{@code
 * ContextSpec spec = SpecParser.read(Path.of("context-packages/examples/support-kb.yaml"));
 * }</pre>
 *
 * <p>Keys: {@code name}; {@code source: {collection, field, snapshot: latest|<id>, model?,
 * text_column: text, uri_column: uri}}; {@code queries: [{topic, text}]} or {@code query_table:
 * {collection, topic_column: topic, text_column: text}}; {@code retrieve: {top_k: 50, filter}};
 * {@code rerank: {method: mmr|similarity|field, lambda: 0.7, field, weight: 1.0}}; {@code compress:
 * {token_budget: 2000, dedup: true, dedup_threshold: 0.95, order: document|relevance, tokenizer}};
 * {@code table: context.packages}.
 */
public final class SpecParser {
  private static final Set<String> TOP =
      Set.of("name", "source", "queries", "query_table", "retrieve", "rerank", "compress", "table");
  private static final Set<String> SOURCE =
      Set.of("collection", "field", "snapshot", "model", "text_column", "uri_column");
  private static final Set<String> QUERY = Set.of("topic", "text");
  private static final Set<String> QUERY_TABLE =
      Set.of("collection", "topic_column", "text_column");
  private static final Set<String> RETRIEVE = Set.of("top_k", "filter", "hybrid_fields");
  private static final Set<String> RERANK = Set.of("method", "lambda", "field", "weight");
  private static final Set<String> COMPRESS =
      Set.of("token_budget", "dedup", "dedup_threshold", "order", "tokenizer");

  private final String where;

  private SpecParser(String where) {
    this.where = where;
  }

  /** Reads a spec file. */
  public static ContextSpec read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw LakebeamException.invalid(
          "Cannot read context package spec %s: %s; check the path", file, e.getMessage());
    }
    return parse(text, file.toString());
  }

  /** Parses spec YAML; {@code where} names it in errors (a file name). */
  public static ContextSpec parse(String yaml, String where) {
    Object doc;
    try {
      doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    } catch (YAMLException e) {
      throw LakebeamException.invalid(
          "Cannot read context package spec %s: it is not valid YAML (%s)",
          where, e.getMessage().replace('\n', ' '));
    }
    if (!(doc instanceof Map<?, ?> m)) {
      throw LakebeamException.invalid(
          "Cannot read context package spec %s: it must be a mapping with name, source, queries,"
              + " retrieve, rerank and compress",
          where);
    }
    return new SpecParser(where).spec(m);
  }

  /** Reads a spec from the map form ({@link ContextSpec#forTopic} output, parsed JSON). */
  public static ContextSpec fromMap(Map<?, ?> map, String where) {
    return new SpecParser(where).spec(map);
  }

  private ContextSpec spec(Map<?, ?> m) {
    checkKeys(m, TOP, "the top level");
    ContextSpec.Builder b = ContextSpec.builder(string(m, "name", null, "name"));
    Map<?, ?> src = map(m, "source", true);
    checkKeys(src, SOURCE, "source");
    b.source(
        new Source(
            string(src, "collection", null, "source.collection"),
            string(src, "field", null, "source.field"),
            snapshot(src.get("snapshot")),
            string(src, "model", null, "source.model"),
            string(src, "text_column", "text", "source.text_column"),
            string(src, "uri_column", "uri", "source.uri_column")));
    Object qs = m.get("queries");
    if (qs != null) {
      if (!(qs instanceof List<?> list)) {
        throw error("'queries' must be a list of {topic, text}");
      }
      List<Query> queries = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> q)) {
          throw error("query %d must be a mapping {topic, text}, got %s", i + 1, list.get(i));
        }
        checkKeys(q, QUERY, "query " + (i + 1));
        queries.add(
            new Query(
                string(q, "topic", null, "queries[" + (i + 1) + "].topic"),
                string(q, "text", null, "queries[" + (i + 1) + "].text")));
      }
      b.queries(queries);
    }
    Map<?, ?> qt = map(m, "query_table", false);
    if (qt != null) {
      checkKeys(qt, QUERY_TABLE, "query_table");
      b.queryTable(
          new QueryTable(
              string(qt, "collection", null, "query_table.collection"),
              string(qt, "topic_column", "topic", "query_table.topic_column"),
              string(qt, "text_column", "text", "query_table.text_column")));
    }
    Map<?, ?> retrieve = map(m, "retrieve", false);
    if (retrieve != null) {
      checkKeys(retrieve, RETRIEVE, "retrieve");
      b.retrieve(
          integer(retrieve, "top_k", ContextSpec.DEFAULT_TOP_K, "retrieve.top_k"),
          string(retrieve, "filter", null, "retrieve.filter"));
      Object hybrid = retrieve.get("hybrid_fields");
      if (hybrid != null) {
        if (!(hybrid instanceof List<?> l) || !l.stream().allMatch(f -> f instanceof String)) {
          throw LakebeamException.invalid(
              "Cannot read %s: retrieve.hybrid_fields must be a list of vector field names, e.g."
                  + " [embedding_bge]",
              where);
        }
        b.hybridFields(l.stream().map(String.class::cast).toList());
      }
    }
    Map<?, ?> rerank = map(m, "rerank", false);
    if (rerank != null) {
      checkKeys(rerank, RERANK, "rerank");
      String method = string(rerank, "method", "mmr", "rerank.method");
      RerankMethod rm =
          switch (method.toLowerCase(Locale.ROOT)) {
            case "mmr" -> RerankMethod.MMR;
            case "similarity", "score" -> RerankMethod.SIMILARITY;
            case "field" -> RerankMethod.FIELD;
            default ->
                throw error("rerank.method '%s' is unknown; use mmr, similarity or field", method);
          };
      b.rerank(
          new Rerank(
              rm,
              number(rerank, "lambda", Rerank.DEFAULT_LAMBDA, "rerank.lambda"),
              string(rerank, "field", null, "rerank.field"),
              number(rerank, "weight", 1.0, "rerank.weight")));
    }
    Map<?, ?> compress = map(m, "compress", false);
    if (compress != null) {
      checkKeys(compress, COMPRESS, "compress");
      String order = string(compress, "order", "document", "compress.order");
      Order o =
          switch (order.toLowerCase(Locale.ROOT)) {
            case "document" -> Order.DOCUMENT;
            case "relevance" -> Order.RELEVANCE;
            default ->
                throw error("compress.order '%s' is unknown; use document or relevance", order);
          };
      b.compress(
          new Compress(
              integer(
                  compress, "token_budget", Compress.DEFAULT_TOKEN_BUDGET, "compress.token_budget"),
              bool(compress, "dedup", true, "compress.dedup"),
              number(
                  compress,
                  "dedup_threshold",
                  Compress.DEFAULT_DEDUP_THRESHOLD,
                  "compress.dedup_threshold"),
              o,
              string(compress, "tokenizer", null, "compress.tokenizer")));
    }
    b.table(string(m, "table", ContextSpec.DEFAULT_TABLE, "table"));
    try {
      return b.build();
    } catch (LakebeamException e) {
      throw LakebeamException.invalid("%s (in %s)", e.getMessage(), where);
    }
  }

  private void checkKeys(Map<?, ?> m, Set<String> known, String section) {
    for (Object k : m.keySet()) {
      String key = String.valueOf(k);
      if (!known.contains(key)) {
        String closest = closest(key, known);
        throw error(
            "unknown key '%s' in %s%s; known keys there: %s",
            key,
            section,
            closest == null ? "" : " (did you mean '" + closest + "'?)",
            known.stream().sorted().toList());
      }
    }
  }

  private static String closest(String key, Set<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String k : known) {
      int d = distance(key.toLowerCase(Locale.ROOT), k);
      if (d < bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 3) ? best : null;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private Map<?, ?> map(Map<?, ?> m, String key, boolean required) {
    Object v = m.get(key);
    if (v == null) {
      if (required) {
        throw error("'%s' is required", key);
      }
      return null;
    }
    if (!(v instanceof Map<?, ?> mm)) {
      throw error("'%s' must be a mapping, got %s", key, v);
    }
    return mm;
  }

  private String string(Map<?, ?> m, String key, String def, String path) {
    Object v = m.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Map || v instanceof List) {
      throw error("'%s' must be a string, got %s", path, v);
    }
    return v.toString();
  }

  private int integer(Map<?, ?> m, String key, int def, String path) {
    Object v = m.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Integer || v instanceof Long) {
      long l = ((Number) v).longValue();
      if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
        return (int) l;
      }
    }
    throw error("'%s' must be an integer, got %s", path, v);
  }

  private double number(Map<?, ?> m, String key, double def, String path) {
    Object v = m.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw error("'%s' must be a number, got %s", path, v);
  }

  private boolean bool(Map<?, ?> m, String key, boolean def, String path) {
    Object v = m.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw error("'%s' must be true or false, got %s", path, v);
  }

  private Long snapshot(Object v) {
    if (v == null || "latest".equals(v)) {
      return null;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    if (v instanceof String s && s.matches("\\d+")) {
      return Long.parseLong(s);
    }
    throw error("'source.snapshot' must be 'latest' or a snapshot id, got %s", v);
  }

  private LakebeamException error(String format, Object... args) {
    return LakebeamException.invalid(
        "Cannot read context package spec %s: %s", where, String.format(format, args));
  }
}
