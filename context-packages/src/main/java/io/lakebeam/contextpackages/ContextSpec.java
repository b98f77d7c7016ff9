package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a context package is built from: the source vector field (and the snapshot it is read at),
 * the queries (one package per topic), and how candidates are retrieved, reranked and compressed
 * into a token budget. Immutable and validated on {@link Builder#build()}; read from YAML with
 * {@link SpecParser}.
 *
 * <pre>{@code
 * ContextSpec spec =
 *     ContextSpec.builder("support-kb")
 *         .source("corpus.chunks", "embedding")
 *         .query("key rotation", "how do I rotate keys?")
 *         .retrieve(50, "lang = 'en'")
 *         .rerank(Rerank.mmr(0.7))
 *         .compress(new Compress(2000, true, Compress.DEFAULT_DEDUP_THRESHOLD, Order.DOCUMENT, null))
 *         .build();
 * }</pre>
 */
public final class ContextSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Candidates retrieved per topic by default. */
  public static final int DEFAULT_TOP_K = 50;

  /** Most candidates per topic. */
  public static final int MAX_TOP_K = 1000;

  /** The table packages are written to by default. */
  public static final String DEFAULT_TABLE = "context.packages";

  /** Where candidates come from; {@code snapshot} null means the latest at build time. */
  public record Source(
      String collection,
      String field,
      Long snapshot,
      String model,
      String textColumn,
      String uriColumn)
      implements Serializable {}

  /** One package's query: a topic (its key) and the text that is embedded and searched. */
  public record Query(String topic, String text) implements Serializable {}

  /** Queries read from a table at build time: one package per row. */
  public record QueryTable(String collection, String topicColumn, String textColumn)
      implements Serializable {}

  /** How candidates are ordered before dedup and the budget. */
  public enum RerankMethod {
    /** Maximal marginal relevance: relevance traded against redundancy ({@code lambda}). */
    MMR,
    /** The search similarity alone. */
    SIMILARITY,
    /** Similarity plus {@code weight} times a numeric column of the source (a quality score). */
    FIELD
  }

  /** Reranking settings; {@code lambda} for MMR, {@code field} and {@code weight} for FIELD. */
  public record Rerank(RerankMethod method, double lambda, String field, double weight)
      implements Serializable {
    public static final double DEFAULT_LAMBDA = 0.7;

    public static Rerank mmr(double lambda) {
      return new Rerank(RerankMethod.MMR, lambda, null, 0);
    }

    public static Rerank similarity() {
      return new Rerank(RerankMethod.SIMILARITY, DEFAULT_LAMBDA, null, 0);
    }

    public static Rerank field(String column, double weight) {
      return new Rerank(RerankMethod.FIELD, DEFAULT_LAMBDA, column, weight);
    }
  }

  /** The order of chunks in the package text. */
  public enum Order {
    /** By source document (URI), then position in it: reads like the documents. */
    DOCUMENT,
    /** Most relevant first (the rerank order). */
    RELEVANCE
  }

  /**
   * Compression: the token budget of the package text (counted with {@code tokenizer}'s model, by
   * default the source field's model), whether near-duplicates are dropped (cosine similarity at or
   * above {@code dedupThreshold}, or equal text) and the order of the chunks.
   */
  public record Compress(
      int tokenBudget, boolean dedup, double dedupThreshold, Order order, String tokenizer)
      implements Serializable {
    public static final int DEFAULT_TOKEN_BUDGET = 2000;
    public static final double DEFAULT_DEDUP_THRESHOLD = 0.95;

    public static Compress defaults() {
      return new Compress(
          DEFAULT_TOKEN_BUDGET, true, DEFAULT_DEDUP_THRESHOLD, Order.DOCUMENT, null);
    }
  }

  private final String name;
  private final Source source;
  private final List<Query> queries;
  private final QueryTable queryTable;
  private final int topK;
  private final String filter;
  private final List<String> hybridFields;
  private final Rerank rerank;
  private final Compress compress;
  private final String table;

  private ContextSpec(Builder b) {
    this.name = b.name;
    this.source = b.source;
    this.queries = List.copyOf(b.queries);
    this.queryTable = b.queryTable;
    this.topK = b.topK;
    this.filter = b.filter;
    this.hybridFields = List.copyOf(b.hybridFields);
    this.rerank = b.rerank;
    this.compress = b.compress;
    this.table = b.table;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.source = source;
    b.queries.addAll(queries);
    b.queryTable = queryTable;
    b.topK = topK;
    b.filter = filter;
    b.hybridFields = hybridFields;
    b.rerank = rerank;
    b.compress = compress;
    b.table = table;
    return b;
  }

  public String name() {
    return name;
  }

  public Source source() {
    return source;
  }

  /** Queries given in the spec (empty when they come from {@link #queryTable()}). */
  public List<Query> queries() {
    return queries;
  }

  public QueryTable queryTable() {
    return queryTable;
  }

  public int topK() {
    return topK;
  }

  public String filter() {
    return filter;
  }

  /**
   * Further vector fields searched beside the source field, each with its own recorded model, and
   * fused with reciprocal rank fusion (k=60); empty for plain vector retrieval.
   */
  public List<String> hybridFields() {
    return hybridFields;
  }

  public Rerank rerank() {
    return rerank;
  }

  public Compress compress() {
    return compress;
  }

  /** The packages table. */
  public String table() {
    return table;
  }

  /** The same spec with the source pinned at {@code snapshotId}. */
  public ContextSpec atSnapshot(long snapshotId) {
    Builder b = toBuilder();
    b.source =
        new Source(
            source.collection(),
            source.field(),
            snapshotId,
            source.model(),
            source.textColumn(),
            source.uriColumn());
    return b.build();
  }

  /**
   * What one topic's package is built from, as a map with a fixed key order: the source (without
   * its snapshot, pinned separately), retrieval, rerank and compress settings, the topic and its
   * query. Its JSON is stored beside each package and hashed ({@code spec_hash}); {@link
   * SpecParser#fromMap} reads it back.
   */
  public Map<String, Object> forTopic(Query query) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", name);
    Map<String, Object> src = new LinkedHashMap<>();
    src.put("collection", source.collection());
    src.put("field", source.field());
    src.put("text_column", source.textColumn());
    src.put("uri_column", source.uriColumn());
    m.put("source", src);
    m.put("queries", List.of(Map.of("topic", query.topic(), "text", query.text())));
    Map<String, Object> retrieve = new LinkedHashMap<>();
    retrieve.put("top_k", topK);
    retrieve.put("filter", filter);
    if (!hybridFields.isEmpty()) {
      retrieve.put("hybrid_fields", hybridFields); // only when set: older spec hashes stay
    }
    m.put("retrieve", retrieve);
    Map<String, Object> rr = new LinkedHashMap<>();
    rr.put("method", rerank.method().name().toLowerCase(java.util.Locale.ROOT));
    if (rerank.method() == RerankMethod.MMR) {
      rr.put("lambda", rerank.lambda());
    }
    if (rerank.method() == RerankMethod.FIELD) {
      rr.put("field", rerank.field());
      rr.put("weight", rerank.weight());
    }
    m.put("rerank", rr);
    Map<String, Object> c = new LinkedHashMap<>();
    c.put("token_budget", compress.tokenBudget());
    c.put("dedup", compress.dedup());
    c.put("dedup_threshold", compress.dedupThreshold());
    c.put("order", compress.order().name().toLowerCase(java.util.Locale.ROOT));
    m.put("compress", c);
    m.put("table", table);
    return m;
  }

  /** Builds a {@link ContextSpec}; {@link #build()} validates it. */
  public static final class Builder {
    private final String name;
    private Source source;
    private final List<Query> queries = new ArrayList<>();
    private QueryTable queryTable;
    private int topK = DEFAULT_TOP_K;
    private String filter;
    private List<String> hybridFields = List.of();
    private Rerank rerank = Rerank.mmr(Rerank.DEFAULT_LAMBDA);
    private Compress compress = Compress.defaults();
    private String table = DEFAULT_TABLE;

    private Builder(String name) {
      this.name = name;
    }

    /** The vector field searched, at its latest snapshot, with {@code text} and {@code uri}. */
    public Builder source(String collection, String field) {
      return source(new Source(collection, field, null, null, "text", "uri"));
    }

    public Builder source(Source s) {
      this.source = s;
      return this;
    }

    public Builder query(String topic, String text) {
      queries.add(new Query(topic, text));
      return this;
    }

    public Builder queries(List<Query> qs) {
      queries.clear();
      queries.addAll(qs);
      return this;
    }

    public Builder queryTable(QueryTable t) {
      this.queryTable = t;
      return this;
    }

    /** Candidates per topic (1..{@value ContextSpec#MAX_TOP_K}) and an optional filter. */
    public Builder retrieve(int k, String where) {
      this.topK = k;
      this.filter = where == null || where.isBlank() ? null : where;
      return this;
    }

    /** Retrieves with hybrid search over the source field and these vector fields (RRF). */
    public Builder hybridFields(List<String> fields) {
      this.hybridFields = fields == null ? List.of() : List.copyOf(fields);
      return this;
    }

    public Builder rerank(Rerank r) {
      this.rerank = r;
      return this;
    }

    public Builder compress(Compress c) {
      this.compress = c;
      return this;
    }

    /** The packages table. Default {@value ContextSpec#DEFAULT_TABLE}. */
    public Builder table(String t) {
      this.table = t;
      return this;
    }

    public ContextSpec build() {
      String what = "context package spec '" + name + "'";
      if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]{0,127}")) {
        throw LakebeamException.invalid(
            "Cannot use context package name '%s': use 1-128 letters, digits, '_', '-' and '.'",
            name);
      }
      if (source == null || blank(source.collection()) || blank(source.field())) {
        throw LakebeamException.invalid(
            "Cannot read %s: 'source' needs 'collection' and 'field', e.g. {collection:"
                + " corpus.chunks, field: embedding}",
            what);
      }
      if (blank(source.textColumn()) || blank(source.uriColumn())) {
        throw LakebeamException.invalid(
            "Cannot read %s: source text_column and uri_column must not be blank", what);
      }
      if (source.snapshot() != null && source.snapshot() < 0) {
        throw LakebeamException.invalid(
            "Cannot read %s: source snapshot %d is not a snapshot id; use 'latest' or an id",
            what, source.snapshot());
      }
      if (queries.isEmpty() == (queryTable == null)) {
        throw LakebeamException.invalid(
            "Cannot read %s: give either 'queries' (a list of {topic, text}) or 'query_table'"
                + " ({collection, topic_column, text_column}), %s",
            what, queries.isEmpty() ? "not neither" : "not both");
      }
      Set<String> topics = new HashSet<>();
      for (int i = 0; i < queries.size(); i++) {
        Query q = queries.get(i);
        if (blank(q.topic()) || blank(q.text())) {
          throw LakebeamException.invalid(
              "Cannot read %s: query %d needs a non-empty 'topic' and 'text'", what, i + 1);
        }
        if (!topics.add(q.topic())) {
          throw LakebeamException.invalid(
              "Cannot read %s: topic '%s' appears twice; topics name packages and must be unique",
              what, q.topic());
        }
      }
      if (topK < 1 || topK > MAX_TOP_K) {
        throw LakebeamException.invalid(
            "Cannot read %s: retrieve.top_k=%d; use 1..%d", what, topK, MAX_TOP_K);
      }
      if (rerank == null || rerank.method() == null) {
        throw LakebeamException.invalid("Cannot read %s: rerank needs a method", what);
      }
      if (rerank.lambda() < 0 || rerank.lambda() > 1) {
        throw LakebeamException.invalid(
            "Cannot read %s: rerank.lambda=%s; use 0 (diversity only) to 1 (relevance only)",
            what, rerank.lambda());
      }
      if (rerank.method() == RerankMethod.FIELD && blank(rerank.field())) {
        throw LakebeamException.invalid(
            "Cannot read %s: rerank method 'field' needs 'field', a numeric column", what);
      }
      if (compress == null || compress.order() == null) {
        throw LakebeamException.invalid("Cannot read %s: compress needs an order", what);
      }
      if (compress.tokenBudget() < 1 || compress.tokenBudget() > 1_000_000) {
        throw LakebeamException.invalid(
            "Cannot read %s: compress.token_budget=%d; use 1..1000000",
            what, compress.tokenBudget());
      }
      if (compress.dedupThreshold() <= 0 || compress.dedupThreshold() > 1) {
        throw LakebeamException.invalid(
            "Cannot read %s: compress.dedup_threshold=%s; use a cosine similarity in (0, 1]",
            what, compress.dedupThreshold());
      }
      if (blank(table)) {
        throw LakebeamException.invalid("Cannot read %s: 'table' must not be blank", what);
      }
      return new ContextSpec(this);
    }

    private static boolean blank(String s) {
      return s == null || s.isBlank();
    }
  }
}
