package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.hybrid.HybridHit;
import io.lakebeam.core.hybrid.HybridLeg;
import io.lakebeam.core.hybrid.HybridSearch;
import io.lakebeam.core.hybrid.Ranker;
import io.lakebeam.core.hybrid.VectorLeg;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;

/**
 * Hybrid search ({@code hybrid:text+embedding}): one leg per named field (a vector field's index,
 * or a text field's BM25 index), fused by reciprocal rank fusion ({@code k = 60}), each leg
 * returning {@link HybridSearch#defaultLegTopK} candidates, no rerank.
 *
 * <pre>{@code
 * RetrievalSystem hybrid = new HybridSystem(List.of("text", "embedding"), encoder);
 * }</pre>
 *
 * @param fields the fields, each a leg, in order
 * @param encoder embeds query texts for vector legs whose queries carry no vector
 */
public record HybridSystem(List<String> fields, QueryEncoder encoder) implements RetrievalSystem {
  public HybridSystem {
    if (fields == null || fields.size() < 2) {
      throw LakebeamException.invalid("Cannot evaluate a hybrid of fewer than two fields");
    }
    fields = List.copyOf(fields);
    encoder = encoder == null ? QueryEncoder.NONE : encoder;
  }

  @Override
  public String name() {
    return "hybrid:" + String.join("+", fields);
  }

  @Override
  public String models(Collection c) {
    List<String> parts = new ArrayList<>();
    for (String f : fields) {
      parts.add(
          c.vectorFields().containsKey(f)
              ? VectorSystem.modelOf(c, f)
              : Bm25System.analyzerOf(c, f));
    }
    return String.join(",", parts) + ";rrf(60)";
  }

  @Override
  public void check(Collection c, List<EvalQuery> queries) {
    for (String f : fields) {
      if (c.vectorFields().containsKey(f)) {
        new VectorSystem(f, encoder).check(c, queries);
      } else {
        new Bm25System(f).check(c, queries);
      }
    }
  }

  @Override
  public List<List<RetrievedRow>> retrieve(Collection c, List<EvalQuery> queries, int depth) {
    int legTopK = HybridSearch.defaultLegTopK(depth);
    List<HybridLeg> legs = new ArrayList<>();
    for (String f : fields) {
      if (c.vectorFields().containsKey(f)) {
        legs.add(new VectorLeg(f, new VectorSystem(f, encoder).vectors(c, queries), legTopK, 0));
      } else {
        // plain words (escaped), as the bm25 system sends them, on hybrid search's own text leg
        legs.add(
            new io.lakebeam.core.hybrid.TextLeg(
                f, queries.stream().map(q -> Bm25System.plainWords(q.text())).toList(), legTopK));
      }
    }
    List<List<HybridHit>> hits =
        HybridSearch.run(
            c,
            new HybridSearch.Request(
                legs, new Ranker.Rrf(Ranker.DEFAULT_RRF_K), null, depth, null));
    List<List<RetrievedRow>> out = new ArrayList<>(hits.size());
    for (List<HybridHit> perQuery : hits) {
      List<RetrievedRow> rows = new ArrayList<>(perQuery.size());
      for (HybridHit h : perQuery) {
        rows.add(new RetrievedRow(h.file(), h.pos()));
      }
      out.add(rows);
    }
    return out;
  }
}
