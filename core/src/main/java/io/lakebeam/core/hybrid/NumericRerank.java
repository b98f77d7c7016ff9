package io.lakebeam.core.hybrid;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Reorders the fused candidates by a numeric column (recency, popularity, price).
 *
 * <ul>
 *   <li>{@code DESC} / {@code ASC}: by the column's value (rows without one last), ties by fused
 *       score; the returned score is the value.
 *   <li>{@code BOOST}: {@code norm(fused) + weight * norm(value)}, both min-max normalised over the
 *       candidates (a row without a value adds 0); the returned score is that sum.
 * </ul>
 *
 * <pre>{@code
 * new NumericRerank("published_at", NumericRerank.Order.BOOST, 0.3);
 * }</pre>
 *
 * @param field an int, long, float, double, decimal, date or timestamp column
 * @param order how the value is used
 * @param weight the boost weight (used by {@code BOOST} only), finite
 */
public record NumericRerank(String field, Order order, double weight) implements Rerank {
  /** How {@link NumericRerank} uses the column. */
  public enum Order {
    ASC,
    DESC,
    BOOST;

    /** Parses {@code asc}, {@code desc} or {@code boost}, case-insensitively. */
    public static Order parse(String s) {
      for (Order o : values()) {
        if (o.name().equalsIgnoreCase(s)) {
          return o;
        }
      }
      throw LakebeamException.invalid(
          "Cannot rerank by a numeric field with order '%s': use asc, desc or boost", s);
    }
  }

  public NumericRerank {
    if (order == null) {
      throw LakebeamException.invalid("Cannot rerank by a numeric field without an order");
    }
    if (!Double.isFinite(weight)) {
      throw LakebeamException.invalid("Cannot rerank with boost weight %s: use a number", weight);
    }
  }

  @Override
  public void check(Collection c, int queries) {
    Types.NestedField f = field == null ? null : c.schema().findField(field);
    if (f == null) {
      throw LakebeamException.invalid(
          "Cannot rerank by '%s': collection '%s' has no such column", field, c.name());
    }
    Type.TypeID t = f.type().typeId();
    boolean numeric =
        switch (t) {
          case INTEGER, LONG, FLOAT, DOUBLE, DECIMAL, DATE, TIMESTAMP -> true;
          default -> false;
        };
    if (!numeric) {
      throw LakebeamException.invalid(
          "Cannot rerank by '%s': it is a %s column; use a numeric, date or timestamp column",
          field, f.type().toString().toLowerCase(Locale.ROOT));
    }
  }

  @Override
  public List<HybridHit> rerank(Collection c, int query, List<HybridHit> candidates, int k) {
    Object[] raw = CandidateColumns.read(c, candidates, field);
    double[] value = new double[raw.length];
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < raw.length; i++) {
      value[i] = raw[i] instanceof Number n ? n.doubleValue() : Double.NaN;
      if (!Double.isNaN(value[i])) {
        min = Math.min(min, value[i]);
        max = Math.max(max, value[i]);
      }
    }
    double[] rel = MmrRerank.normalised(candidates);
    List<HybridHit> out = new ArrayList<>(candidates.size());
    for (int i = 0; i < raw.length; i++) {
      double s;
      if (order == Order.BOOST) {
        double norm =
            Double.isNaN(value[i]) ? 0 : (max > min ? (value[i] - min) / (max - min) : 1.0);
        s = rel[i] + weight * norm;
      } else {
        s = value[i];
      }
      out.add(candidates.get(i).withScore((float) s));
    }
    // larger key first: the value (desc, boost) or its negation (asc); rows without one last
    boolean asc = order == Order.ASC;
    out.sort(
        Comparator.comparingDouble(
                (HybridHit h) ->
                    Float.isNaN(h.score())
                        ? Double.POSITIVE_INFINITY
                        : (asc ? h.score() : -(double) h.score()))
            .thenComparingDouble(h -> -h.fusedScore())
            .thenComparing(HybridHit::file)
            .thenComparingLong(HybridHit::pos));
    return out.subList(0, Math.min(k, out.size()));
  }
}
