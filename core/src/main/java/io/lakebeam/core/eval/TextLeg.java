package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.hybrid.HybridLeg;
import io.lakebeam.core.hybrid.LegHit;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.TextSearch;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;

/**
 * A hybrid leg on a text index, for evaluation: each query's words (as {@link Bm25System} sends
 * them) searched with BM25; the leg's score is the BM25 score.
 *
 * @param field the string column with a text index
 * @param texts one query text per query
 * @param topK candidates per query
 */
record TextLeg(String field, List<String> texts, int topK) implements HybridLeg {
  TextLeg {
    if (texts == null || texts.isEmpty()) {
      throw LakebeamException.invalid("Cannot run the text leg on '%s' without queries", field);
    }
    texts = List.copyOf(texts);
  }

  @Override
  public int queries() {
    return texts.size();
  }

  @Override
  public String describe() {
    return "text leg on '" + field + "'";
  }

  @Override
  public void check(Collection c) {
    Bm25System.checkTextIndexed(c, field, describe());
  }

  @Override
  public List<List<LegHit>> search(Collection c, String filter) {
    List<List<LegHit>> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      List<LegHit> hits = new ArrayList<>();
      for (SearchHit h : TextSearch.search(c, field, Bm25System.plainWords(text), topK, filter)) {
        hits.add(new LegHit(h.file(), h.pos(), h.score()));
      }
      out.add(hits);
    }
    return out;
  }
}
