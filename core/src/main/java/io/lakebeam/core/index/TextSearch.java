package io.lakebeam.core.index;

import io.lakebeam.core.lake.Collection;
import java.util.List;

/**
 * BM25 full-text search, the entry point other searches build on (hybrid retrieval fuses these hits
 * with vector hits). Hits are ranked best first; {@link SearchHit#score()} and {@link
 * SearchHit#rawScore()} hold the BM25 score and {@link SearchHit#distance()} its negation.
 *
 * <pre>{@code
 * List<SearchHit> hits = TextSearch.search(chunks, "text", "release notes", 10, "lang = 'en'");
 * }</pre>
 */
public final class TextSearch {
  private TextSearch() {}

  /**
   * The {@code topK} best rows for a query, among the live rows that match {@code filter} (null for
   * all), at the collection's current snapshot.
   */
  public static List<SearchHit> search(
      Collection collection, String field, String query, int topK, String filter) {
    return collection
        .lakehouse()
        .textIndexes()
        .search(collection, new TextSearchRequest(field, query, topK, filter));
  }
}
