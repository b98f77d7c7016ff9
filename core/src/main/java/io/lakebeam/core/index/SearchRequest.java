package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.util.List;

/**
 * A vector search over a collection.
 *
 * <pre>{@code
 * SearchRequest r = new SearchRequest("embedding", new float[][] {query}, 10, 0, "lang = 'en'");
 * List<List<SearchHit>> hits = lake.indexes().search(lake.collection("docs"), r);
 * }</pre>
 *
 * @param field the vector column, or null for the collection's only one
 * @param queries one or more query vectors
 * @param topK results per query, 1..{@value #MAX_TOP_K}
 * @param ef search beam width, or 0 for the index default; raised to at least {@code topK}
 * @param filter a predicate over scalar columns, or null
 */
public record SearchRequest(String field, float[][] queries, int topK, int ef, String filter) {
  public static final int MAX_TOP_K = 10_000;

  public SearchRequest {
    if (queries == null || queries.length == 0) {
      throw LakebeamException.invalid("Cannot search without query vectors: pass at least one");
    }
    if (topK < 1 || topK > MAX_TOP_K) {
      throw LakebeamException.invalid("Cannot search with top_k=%d: use 1..%d", topK, MAX_TOP_K);
    }
    if (ef < 0 || ef > 100_000) {
      throw LakebeamException.invalid("Cannot search with ef=%d: use 0 (default) up to 100000", ef);
    }
    for (int i = 0; i < queries.length; i++) {
      if (queries[i] == null) {
        throw LakebeamException.invalid("Cannot search: query vector %d is null", i);
      }
    }
  }

  public List<float[]> queryList() {
    return List.of(queries);
  }
}
