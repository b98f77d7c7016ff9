package io.lakebeam.core.index;

import java.util.List;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.search.ConstantScoreScorerSupplier;
import org.apache.lucene.search.ConstantScoreWeight;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.QueryVisitor;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.ScorerSupplier;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.BitSetIterator;
import org.apache.lucene.util.FixedBitSet;

/**
 * Matches the documents whose bit is set, one bit set per leaf (in leaf order; null accepts the
 * whole leaf): the live, undeleted rows that pass a request's filter. Used as a {@code FILTER}
 * clause, so it restricts the matches without changing their BM25 scores. One request only: never
 * cached.
 */
final class AcceptedRowsQuery extends Query {
  private final List<FixedBitSet> accepted;

  AcceptedRowsQuery(List<FixedBitSet> accepted) {
    this.accepted = accepted;
  }

  @Override
  public Weight createWeight(IndexSearcher searcher, ScoreMode scoreMode, float boost) {
    return new ConstantScoreWeight(this, boost) {
      @Override
      public ScorerSupplier scorerSupplier(LeafReaderContext context) {
        FixedBitSet bits = accepted.get(context.ord);
        int maxDoc = context.reader().maxDoc();
        if (bits == null) {
          return ConstantScoreScorerSupplier.matchAll(score(), scoreMode, maxDoc);
        }
        long cost = bits.cardinality();
        if (cost == 0) {
          return null;
        }
        return ConstantScoreScorerSupplier.fromIterator(
            new BitSetIterator(bits, cost), score(), scoreMode, maxDoc);
      }

      @Override
      public boolean isCacheable(LeafReaderContext ctx) {
        return false;
      }
    };
  }

  @Override
  public String toString(String field) {
    return "AcceptedRows";
  }

  @Override
  public void visit(QueryVisitor visitor) {
    visitor.visitLeaf(this);
  }

  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
