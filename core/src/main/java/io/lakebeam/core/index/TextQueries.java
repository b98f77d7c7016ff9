package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import org.apache.lucene.index.Term;
import org.apache.lucene.queryparser.classic.ParseException;
import org.apache.lucene.queryparser.classic.QueryParser;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;

/**
 * Parses text queries with Lucene's classic query parser, the field fixed: terms (OR'ed, scored by
 * BM25), {@code "phrases"}, {@code +must}, {@code -must_not}, {@code AND}, {@code OR}, {@code NOT},
 * parentheses, {@code prefix*}. A query that names another field ({@code title:x}) or does not
 * parse is INVALID_ARGUMENT with the position Lucene reports.
 */
final class TextQueries {
  private TextQueries() {}

  static Query parse(String field, String text, String analyzer) {
    QueryParser parser = new QueryParser(field, TextAnalyzers.forName(analyzer));
    Query q;
    try {
      q = parser.parse(text);
    } catch (ParseException e) {
      String m = e.getMessage() == null ? "" : e.getMessage().replace('\n', ' ');
      throw LakebeamException.invalid("Cannot parse text query '%s': %s", text, m);
    }
    q.visit(
        new QueryVisitor() {
          @Override
          public void consumeTerms(Query query, Term... terms) {
            for (Term t : terms) {
              check(t.field());
            }
          }

          @Override
          public boolean acceptField(String f) {
            check(f);
            return true;
          }

          private void check(String f) {
            if (f != null && !f.equals(field)) {
              throw LakebeamException.invalid(
                  "Cannot parse text query '%s': it names field '%s', but this search is over"
                      + " '%s'; drop the '%s:' prefix",
                  text, f, field, f);
            }
          }

          @Override
          public QueryVisitor getSubVisitor(
              org.apache.lucene.search.BooleanClause.Occur occur, Query parent) {
            return this;
          }
        });
    return q;
  }
}
