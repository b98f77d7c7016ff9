package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;

/**
 * A BM25 search over a collection's text index.
 *
 * <pre>{@code
 * TextSearchRequest r = new TextSearchRequest("text", "\"exact words\" +kernel -windows", 10,
 *     "lang = 'en'");
 * List<SearchHit> hits = lake.textIndexes().search(lake.collection("docs"), r);
 * }</pre>
 *
 * @param field the string column with a text index
 * @param text the query in Lucene's query syntax with the field fixed: terms (OR, scored by BM25),
 *     {@code "phrases"}, {@code +must}, {@code -must_not}, {@code AND}/{@code OR}/{@code NOT},
 *     parentheses
 * @param topK results, 1..{@value SearchRequest#MAX_TOP_K}
 * @param filter a predicate over scalar columns, applied before the top k are chosen, or null
 */
public record TextSearchRequest(String field, String text, int topK, String filter) {
  public TextSearchRequest {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot search text: name the text field ('field')");
    }
    if (text == null || text.isBlank()) {
      throw LakebeamException.invalid("Cannot search text: the query text is empty");
    }
    if (topK < 1 || topK > SearchRequest.MAX_TOP_K) {
      throw LakebeamException.invalid(
          "Cannot search with top_k=%d: use 1..%d", topK, SearchRequest.MAX_TOP_K);
    }
  }
}
