package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.hybrid.HybridHit;
import io.lakebeam.core.hybrid.LegHit;
import io.lakebeam.core.hybrid.Ranker;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import io.lakebeam.embeddings.TextTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;

/**
 * Builds the context package of one topic: embeds the query with the source field's model,
 * retrieves the top candidates by <em>exact</em> search over the live rows of the pinned snapshot
 * (not the index, which follows the latest snapshot), reranks them, drops near-duplicates, fits the
 * token budget with the model's tokenizer, and formats text and citations.
 *
 * <pre>{@code
 * ContextSpec spec = SpecParser.read(Path.of("support-kb.yaml"));
 * PackageBuilder builder = PackageBuilder.open(lake, spec, ResolvedSource.resolve(lake, spec));
 * ContextPackage p = builder.build(spec.queries().get(0));
 * }</pre>
 *
 * <p>The same spec, snapshot and model always give the same bytes: exact search has no randomness,
 * similarities are recomputed in double precision, and every tie is broken by data file, position
 * and rank. Thread-safe; the model, tokenizer and column cache are shared by the JVM.
 */
public final class PackageBuilder {
  /** Tokens a reference marker {@code [n] } and the blank line after a passage cost at most. */
  static final int MARKER_TOKENS = 4;

  private final Lakehouse lake;
  private final ContextSpec spec;
  private final ResolvedSource source;
  private final TextTokenizer tokenizer;

  private PackageBuilder(Lakehouse lake, ContextSpec spec, ResolvedSource source) {
    this.lake = lake;
    this.spec = spec;
    this.source = source;
    this.tokenizer = TextTokenizer.load(source.tokenizerSpec());
  }

  public static PackageBuilder open(Lakehouse lake, ContextSpec spec, ResolvedSource source) {
    return new PackageBuilder(lake, spec, source);
  }

  /**
   * Rebuilds a stored package from what it pinned: its spec, source snapshot and model. Fails with
   * NOT_FOUND when the snapshot has expired.
   */
  public static ContextPackage rebuild(Lakehouse lake, ContextPackage stored) {
    ContextSpec spec =
        SpecParser.fromMap(
            CanonicalJson.readObject(stored.specJson()),
            "stored with " + stored.name() + " v" + stored.version());
    ResolvedSource src =
        ResolvedSource.resolve(lake, spec, stored.sourceSnapshotId(), stored.model());
    return open(lake, spec, src).build(spec.queries().get(0));
  }

  public ResolvedSource source() {
    return source;
  }

  /** Embeds query texts with the source's model, in one batched call. */
  public float[][] embed(List<String> queries) {
    return OnnxTextEmbedder.load(source.modelSpec()).embed(queries);
  }

  /** Builds the package of {@code query}, embedding it first. */
  public ContextPackage build(ContextSpec.Query query) {
    return build(query, embed(List.of(query.text()))[0]);
  }

  /**
   * Builds the package of {@code query} whose embedding is {@code vector}. Fails with
   * INVALID_ARGUMENT when retrieval finds nothing or no passage fits the budget.
   */
  public ContextPackage build(ContextSpec.Query query, float[] vector) {
    String what =
        "Cannot build context package '" + spec.name() + "' for topic '" + query.topic() + "'";
    Collection c = lake.collection(source.collection());
    List<Candidate> candidates = retrieve(c, query.text(), vector);
    if (candidates.isEmpty()) {
      throw LakebeamException.invalid(
          "%s: retrieval returned no chunks (%s at snapshot %d of %s); loosen retrieve.filter or"
              + " check the source",
          what,
          spec.filter() == null ? "no rows" : "no row matches \"" + spec.filter() + "\"",
          source.snapshotId(),
          source.collection());
    }
    List<Candidate> ranked = PassageSelector.rerank(candidates, spec.rerank());
    List<Candidate> distinct =
        spec.compress().dedup()
            ? PassageSelector.dropNearDuplicates(ranked, spec.compress().dedupThreshold())
            : ranked;
    Map<Candidate, Integer> tokens = new HashMap<>();
    for (Candidate d : distinct) {
      tokens.put(d, tokenizer.count(d.text()) + MARKER_TOKENS);
    }
    int budget = spec.compress().tokenBudget();
    List<Candidate> chosen = PassageSelector.fit(distinct, budget, tokens::get, spec.compress());
    if (chosen.isEmpty()) {
      int smallest = tokens.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      throw LakebeamException.invalid(
          "%s: compress.token_budget %d is smaller than the smallest retrieved chunk (%d tokens"
              + " with its marker); raise the budget to at least %d",
          what, budget, smallest, smallest);
    }
    return format(query, chosen, candidates.size(), ranked.size() - distinct.size());
  }

  private List<SearchHit> searchAt(Collection c, String field, float[] vector) {
    SearchRequest request =
        new SearchRequest(field, new float[][] {vector}, spec.topK(), 0, spec.filter());
    return lake.indexes().searchAt(c, request, source.snapshotId()).get(0);
  }

  /**
   * The source field's exact hits, or with {@code retrieve.hybrid_fields} the reciprocal rank
   * fusion (k=60) of every field's exact hits, each field's query embedded with its own model.
   */
  private List<SearchHit> hits(Collection c, String text, float[] vector) {
    List<SearchHit> primary = searchAt(c, source.field(), vector);
    if (spec.hybridFields().isEmpty()) {
      return primary;
    }
    List<List<LegHit>> legs = new ArrayList<>();
    legs.add(legHits(primary));
    for (String f : spec.hybridFields()) {
      VectorField field = c.vectorField(f);
      ModelSpec model = field.model() == null ? null : Models.find(field.model());
      if (model == null) {
        throw LakebeamException.invalid(
            "Cannot retrieve with retrieve.hybrid_fields '%s' of %s: the field records no model"
                + " this server can load (%s); write it with Embed.text or lakebeam backfill",
            f, c.name(), field.model());
      }
      float[] q = OnnxTextEmbedder.load(model).embed(List.of(text))[0];
      legs.add(legHits(searchAt(c, f, q)));
    }
    List<HybridHit> fused = new Ranker.Rrf(Ranker.DEFAULT_RRF_K).fuse(legs);
    List<SearchHit> out = new ArrayList<>();
    for (HybridHit h : fused.subList(0, Math.min(spec.topK(), fused.size()))) {
      out.add(new SearchHit(h.file(), h.pos(), h.score(), h.score(), Float.NaN));
    }
    return out;
  }

  private static List<LegHit> legHits(List<SearchHit> hits) {
    List<LegHit> out = new ArrayList<>(hits.size());
    hits.forEach(h -> out.add(new LegHit(h.file(), h.pos(), h.score())));
    return out;
  }

  private List<Candidate> retrieve(Collection c, String queryText, float[] vector) {
    List<SearchHit> hits = hits(c, queryText, vector);
    List<String> columns = new ArrayList<>();
    columns.add(source.textColumn());
    columns.add(source.uriColumn());
    columns.add(source.field());
    columns.addAll(source.optionalColumns());
    boolean byField = spec.rerank().method() == ContextSpec.RerankMethod.FIELD;
    if (byField) {
      columns.add(spec.rerank().field());
    }
    List<String> distinctColumns = columns.stream().distinct().toList();
    ColumnCache cache = lake.indexes().columnCache();
    Table table = c.table();
    List<Candidate> out = new ArrayList<>();
    for (int rank = 0; rank < hits.size(); rank++) {
      SearchHit h = hits.get(rank);
      Map<String, Object> cols = cache.columns(table, h.file(), distinctColumns);
      int pos = Math.toIntExact(h.pos());
      float[] v = ((float[][]) cols.get(source.field()))[pos];
      Object text = value(cols, source.textColumn(), pos);
      if (text == null) {
        continue; // a row without text has nothing to cite
      }
      out.add(
          new Candidate(
              rank,
              h.file(),
              h.pos(),
              text.toString(),
              String.valueOf(value(cols, source.uriColumn(), pos)),
              (String) value(cols, "doc_id", pos),
              integer(value(cols, "ordinal", pos)),
              integer(value(cols, "char_start", pos)),
              integer(value(cols, "char_end", pos)),
              v,
              PassageSelector.cosine(vector, v),
              byField ? number(value(cols, spec.rerank().field(), pos)) : null));
    }
    return out;
  }

  private static Object value(Map<String, Object> cols, String column, int pos) {
    Object arr = cols.get(column);
    return arr instanceof Object[] a ? a[pos] : null;
  }

  private static Integer integer(Object v) {
    return v instanceof Number n ? n.intValue() : null;
  }

  private static Double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private ContextPackage format(
      ContextSpec.Query query, List<Candidate> chosen, int retrieved, int duplicates) {
    List<Candidate> passages = new ArrayList<>(chosen);
    while (true) {
      StringBuilder text = new StringBuilder();
      List<Citation> citations = new ArrayList<>();
      for (int i = 0; i < passages.size(); i++) {
        Candidate p = passages.get(i);
        if (i > 0) {
          text.append("\n\n");
        }
        text.append('[').append(i + 1).append("] ").append(p.text().strip());
        citations.add(
            new Citation(
                i + 1,
                p.docId(),
                p.uri(),
                p.ordinal(),
                p.charStart(),
                p.charEnd(),
                Math.round(p.similarity() * 10_000) / 10_000.0));
      }
      String body = text.toString();
      int count = tokenizer.count(body);
      if (count > spec.compress().tokenBudget() && passages.size() > 1) {
        passages.remove(passages.size() - 1); // markers cost more than estimated: drop the last
        continue;
      }
      String specJson = CanonicalJson.write(spec.forTopic(query));
      return new ContextPackage(
          spec.name(),
          query.topic(),
          0,
          query.text(),
          body,
          citations,
          count,
          retrieved,
          duplicates,
          CanonicalJson.sha256(
              ContextPackage.contentJson(query.topic(), query.text(), body, citations)),
          specJson,
          CanonicalJson.sha256(specJson),
          source.collection(),
          source.field(),
          source.snapshotId(),
          source.model(),
          source.tokenizer(),
          null,
          null);
    }
  }
}
