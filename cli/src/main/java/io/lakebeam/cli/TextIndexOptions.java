package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.TextSearch;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.List;
import java.util.Locale;

/**
 * The text (BM25) side of {@code lakebeam index build --type bm25} and {@code lakebeam search
 * --query-type text}.
 *
 * <pre>{@code
 * lakebeam index build kb.chunks --field text --type bm25 --analyzer english
 * lakebeam search kb.chunks --query-type text --field text --text '"release notes" +bookworm'
 * }</pre>
 */
final class TextIndexOptions {
  private TextIndexOptions() {}

  static boolean isText(String type, String analyzer) {
    String t = type == null ? "hnsw" : type.toLowerCase(Locale.ROOT);
    if (t.equals("bm25")) {
      return true;
    }
    if (!t.equals("hnsw")) {
      throw LakebeamException.invalid("Cannot build an index of --type %s: use hnsw or bm25", type);
    }
    if (analyzer != null) {
      throw LakebeamException.invalid(
          "Cannot use --analyzer with --type hnsw: analyzers belong to --type bm25");
    }
    return false;
  }

  static IndexService.BuildResult build(
      Lakehouse lake, Collection c, String field, String analyzer) {
    if (field == null) {
      throw LakebeamException.invalid(
          "Cannot build a bm25 index of %s: name its string column with --field", c.name());
    }
    return lake.textIndexes().build(c, field, analyzer);
  }

  static boolean isTextQuery(String queryType) {
    String t = queryType == null ? "vector" : queryType.toLowerCase(Locale.ROOT);
    if (t.equals("text") || t.equals("fts")) {
      return true;
    }
    if (!t.equals("vector")) {
      throw LakebeamException.invalid(
          "Cannot search with --query-type %s: use vector or text", queryType);
    }
    return false;
  }

  static List<SearchHit> search(
      Lakehouse lake,
      Collection c,
      String field,
      String text,
      String vector,
      int topK,
      String filter) {
    if (text == null || vector != null) {
      throw LakebeamException.invalid("Cannot search text: pass --text (and no --vector)");
    }
    String f = field;
    if (f == null) {
      List<String> fields = lake.textIndexes().fields(c);
      if (fields.size() != 1) {
        throw LakebeamException.invalid(
            "Cannot search text in '%s': it has %s text indexes %s; name one with --field",
            c.name(), fields.isEmpty() ? "no" : fields.size(), fields);
      }
      f = fields.get(0);
    }
    return TextSearch.search(c, f, text, topK, filter);
  }
}
