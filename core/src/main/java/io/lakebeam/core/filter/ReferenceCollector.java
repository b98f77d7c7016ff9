package io.lakebeam.core.filter;

import java.util.List;
import org.apache.iceberg.expressions.ExpressionVisitors;
import org.apache.iceberg.expressions.UnboundPredicate;

/** Collects the column names an unbound expression refers to. */
final class ReferenceCollector extends ExpressionVisitors.ExpressionVisitor<Void> {
  private final List<String> names;

  ReferenceCollector(List<String> names) {
    this.names = names;
  }

  @Override
  public <T> Void predicate(UnboundPredicate<T> pred) {
    String name = pred.ref().name();
    if (!names.contains(name)) {
      names.add(name);
    }
    return null;
  }

  @Override
  public Void and(Void l, Void r) {
    return null;
  }

  @Override
  public Void or(Void l, Void r) {
    return null;
  }

  @Override
  public Void not(Void r) {
    return null;
  }

  @Override
  public Void alwaysTrue() {
    return null;
  }

  @Override
  public Void alwaysFalse() {
    return null;
  }
}
