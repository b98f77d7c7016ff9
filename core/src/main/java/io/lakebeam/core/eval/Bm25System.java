package io.lakebeam.core.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.TextSearch;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.lucene.queryparser.classic.QueryParser;

/**
 * BM25 on one field's text index ({@code bm25:text}). A query's text is searched as plain words:
 * lower-cased and escaped, so a description such as {@code "print (same as uname -m)"} is not read
 * as Lucene query syntax (no {@code -must_not}, no {@code AND}).
 *
 * <pre>{@code
 * RetrievalSystem sparse = new Bm25System("text");
 * }</pre>
 *
 * @param field the string column with a text index
 */
public record Bm25System(String field) implements RetrievalSystem {
  public Bm25System {
    if (field == null || field.isBlank()) {
      throw LakebeamException.invalid("Cannot evaluate a bm25 system without a field");
    }
  }

  @Override
  public String name() {
    return "bm25:" + field;
  }

  @Override
  public List<String> fields() {
    return List.of(field);
  }

  @Override
  public String models(Collection c) {
    return analyzerOf(c, field);
  }

  static String analyzerOf(Collection c, String field) {
    for (Map<String, Object> d : c.lakehouse().textIndexes().describe(c)) {
      if (field.equals(d.get("field"))) {
        return field + "=bm25/" + d.get("analyzer");
      }
    }
    return field + "=bm25";
  }

  @Override
  public void check(Collection c, List<EvalQuery> queries) {
    checkTextIndexed(c, field, name());
    for (EvalQuery q : queries) {
      if (q.text() == null || q.text().isBlank()) {
        throw LakebeamException.invalid(
            "Cannot evaluate %s: query '%s' has no text; add a 'text' column to the queries table",
            name(), q.id());
      }
    }
  }

  /** Fails unless {@code field} of {@code c} has a text index. */
  static void checkTextIndexed(Collection c, String field, String system) {
    if (c.schema().findField(field) == null) {
      throw LakebeamException.invalid(
          "Cannot evaluate %s on '%s': it has no column '%s'", system, c.name(), field);
    }
    if (!c.lakehouse().textIndexes().has(c, field)) {
      throw LakebeamException.invalid(
          "Cannot evaluate %s on '%s': field '%s' has no text index; build it with 'lakebeam"
              + " index build %s --field %s --type bm25'",
          system, c.name(), field, c.name(), field);
    }
  }

  /** The query as plain words for Lucene's query parser. */
  static String plainWords(String text) {
    return QueryParser.escape(text.toLowerCase(Locale.ROOT));
  }

  @Override
  public List<List<RetrievedRow>> retrieve(Collection c, List<EvalQuery> queries, int depth) {
    List<List<RetrievedRow>> out = new ArrayList<>(queries.size());
    for (EvalQuery q : queries) {
      List<RetrievedRow> rows = new ArrayList<>();
      for (SearchHit h : TextSearch.search(c, field, plainWords(q.text()), depth, null)) {
        rows.add(new RetrievedRow(h.file(), h.pos()));
      }
      out.add(rows);
    }
    return out;
  }
}
