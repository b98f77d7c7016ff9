package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.index.TextSearch;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A hybrid leg on a BM25 text index: one query text per query, in Lucene's query syntax (terms,
 * {@code "phrases"}, {@code +must -not}). The leg's score is the BM25 score.
 *
 * <pre>{@code
 * new TextLeg("text", List.of("\"rotate the keys\" kms"), 50);
 * }</pre>
 *
 * @param field the string column with a text index
 * @param texts one query text per query
 * @param topK candidates per query, 1..{@value SearchRequest#MAX_TOP_K}
 */
public record TextLeg(String field, List<String> texts, int topK) implements HybridLeg {
  public TextLeg {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot run a text leg without a field: name one");
    }
    if (texts == null || texts.isEmpty()) {
      throw LakebeamException.invalid("Cannot run the text leg on '%s' without query texts", field);
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null || texts.get(i).isBlank()) {
        throw LakebeamException.invalid(
            "Cannot run the text leg on '%s': query text %d is empty", field, i);
      }
    }
    if (topK < 1 || topK > SearchRequest.MAX_TOP_K) {
      throw LakebeamException.invalid(
          "Cannot run the text leg on '%s' with top_k=%d: use 1..%d",
          field, topK, SearchRequest.MAX_TOP_K);
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
    Types.NestedField f = c.schema().findField(field);
    if (f == null || f.type().typeId() != Type.TypeID.STRING) {
      throw LakebeamException.invalid(
          "Cannot run a text leg on '%s.%s': %s; name a string column with a text index",
          c.name(), field, f == null ? "there is no such column" : "it is not a string column");
    }
    if (!c.lakehouse().textIndexes().has(c, field)) {
      throw LakebeamException.invalid(
          "Cannot run a text leg on '%s.%s': the field has no text index; build it with"
              + " lakebeam index build %s --field %s --type bm25",
          c.name(), field, c.name(), field);
    }
  }

  @Override
  public List<List<LegHit>> search(Collection c, String filter) {
    List<List<LegHit>> out = new ArrayList<>(texts.size());
    for (String text : texts) {
      List<SearchHit> hits = TextSearch.search(c, field, text, topK, filter);
      List<LegHit> legHits = new ArrayList<>(hits.size());
      for (SearchHit h : hits) {
        legHits.add(new LegHit(h.file(), h.pos(), h.score()));
      }
      out.add(legHits);
    }
    return out;
  }
}
