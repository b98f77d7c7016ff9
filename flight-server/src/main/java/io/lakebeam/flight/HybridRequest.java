package io.lakebeam.flight;

import io.lakebeam.core.hybrid.CrossEncoderRerank;
import io.lakebeam.core.hybrid.HybridLeg;
import io.lakebeam.core.hybrid.HybridSearch;
import io.lakebeam.core.hybrid.MmrRerank;
import io.lakebeam.core.hybrid.NumericRerank;
import io.lakebeam.core.hybrid.Ranker;
import io.lakebeam.core.hybrid.Rerank;
import io.lakebeam.core.hybrid.VectorLeg;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.embeddings.CrossEncoder;
import io.lakebeam.embeddings.EmbeddingModelException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a hybrid search ticket into a typed {@link HybridSearch.Request}; every nested object is
 * checked against its keys in {@link RequestKeys}. See {@code docs/flight-protocol.md}, "Hybrid
 * search".
 *
 * <pre>{@code
 * {"type": "hybrid", "collection": "docs", "top_k": 10, "filter": "lang = 'en'",
 *  "legs": [{"field": "embedding", "texts": ["key rotation"]},
 *           {"field": "embedding_bge", "vectors": [[0.1, ...]], "top_k": 100}],
 *  "ranker": {"type": "rrf", "k": 60}, "rerank": {"type": "mmr", "field": "embedding"}}
 * }</pre>
 */
final class HybridRequest {
  private HybridRequest() {}

  static HybridSearch.Request parse(Collection c, Json t, ServerLimits limits) {
    int topK = t.optInt("top_k", 10);
    String filter = t.optString("filter");
    limits.checkFilter(filter);
    List<HybridLeg> legs = new ArrayList<>();
    List<String> queryTexts = null;
    for (Json leg : t.objects("legs")) {
      leg.allowOnly(RequestKeys.HYBRID_LEG);
      int legK = leg.optInt("top_k", HybridSearch.defaultLegTopK(topK));
      int ef = leg.optInt("ef", 0);
      String field = leg.string("field");
      float[][] queries;
      if (leg.has("match")) {
        throw Errors.invalid(
            "Cannot run a text leg on '%s.%s': this server has no text index on it; build one"
                + " with lakebeam index build %s --field %s --type bm25",
            c.name(), field, c.name(), field);
      } else if (leg.has("texts")) {
        List<String> texts = leg.optStrings("texts");
        limits.checkSearch(texts.size(), legK, ef); // before the costly embedding
        queries = QueryEmbedder.embed(c, field, texts);
        queryTexts = queryTexts == null ? texts : queryTexts;
      } else if (leg.has("vectors_f32")) {
        queries = leg.packedVectors("vectors_f32", "dim");
      } else if (leg.has("vectors")) {
        queries = leg.vectors("vectors");
      } else {
        throw Errors.invalid(
            "Cannot read leg on '%s': send 'vectors', 'vectors_f32' with 'dim', or 'texts' (or"
                + " 'match' for a text index)",
            field);
      }
      limits.checkSearch(queries.length, legK, ef);
      legs.add(new VectorLeg(field, queries, legK, ef));
    }
    limits.checkSearch(legs.get(0).queries(), topK, 0);
    Ranker ranker = ranker(t);
    Rerank rerank =
        t.has("rerank") ? rerank(Json.of(t.optObject("rerank"), "rerank"), queryTexts) : null;
    return new HybridSearch.Request(legs, ranker, rerank, topK, filter);
  }

  private static Ranker ranker(Json t) {
    if (!t.has("ranker")) {
      return new Ranker.Rrf(Ranker.DEFAULT_RRF_K);
    }
    Json r = Json.of(t.optObject("ranker"), "ranker").allowOnly(RequestKeys.HYBRID_RANKER);
    String type = r.string("type");
    return switch (type) {
      case "rrf" -> new Ranker.Rrf(r.optInt("k", Ranker.DEFAULT_RRF_K));
      case "weighted" -> new Ranker.Weighted(r.doubles("weights"));
      default ->
          throw Errors.invalid(
              "Cannot fuse with ranker '%s': use {\"type\": \"rrf\", \"k\": 60} or {\"type\":"
                  + " \"weighted\", \"weights\": [0.7, 0.3]}",
              type);
    };
  }

  private static Rerank rerank(Json r, List<String> legTexts) {
    r.allowOnly(RequestKeys.HYBRID_RERANK);
    String type = r.string("type");
    return switch (type) {
      case "mmr" -> new MmrRerank(r.string("field"), r.optDouble("lambda", 0.5));
      case "numeric" ->
          new NumericRerank(
              r.string("field"),
              NumericRerank.Order.parse(r.has("order") ? r.string("order") : "desc"),
              r.optDouble("weight", 0.1));
      case "cross_encoder" -> crossEncoder(r, legTexts);
      default ->
          throw Errors.invalid("Cannot rerank with '%s': use mmr, numeric or cross_encoder", type);
    };
  }

  private static Rerank crossEncoder(Json r, List<String> legTexts) {
    List<String> queries = r.has("queries") ? r.optStrings("queries") : legTexts;
    if (queries == null) {
      throw Errors.invalid(
          "Cannot rerank with a cross-encoder: send the query texts in rerank 'queries' (or a"
              + " leg with 'texts')");
    }
    Path model = Path.of(r.string("model"));
    Path tokenizer =
        r.has("tokenizer")
            ? Path.of(r.string("tokenizer"))
            : model.toAbsolutePath().getParent().resolve("tokenizer.json");
    CrossEncoder encoder;
    try {
      encoder = CrossEncoder.load(model, tokenizer);
    } catch (EmbeddingModelException | IllegalArgumentException e) {
      throw Errors.invalid("Cannot rerank with cross-encoder %s: %s", model, e.getMessage());
    }
    return new CrossEncoderRerank(encoder::score, r.optString("text_field"), queries);
  }
}
