package io.lakebeam.core.filter;

import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * A parsed filter: Iceberg predicates on scalar columns, combined with JSON-path and geo predicates
 * that Iceberg cannot express. Subtrees made only of Iceberg predicates stay one {@link Iceberg}
 * node, so a filter without JSON or geo is one Iceberg expression, evaluated as before.
 */
sealed interface FilterNode {

  /** Predicates on scalar columns, evaluated by Iceberg. */
  record Iceberg(Expression expr) implements FilterNode {}

  record And(FilterNode left, FilterNode right) implements FilterNode {}

  record Or(FilterNode left, FilterNode right) implements FilterNode {}

  record Not(FilterNode inner) implements FilterNode {}

  /** A predicate on one top-level column that Lakebeam evaluates itself. */
  non-sealed interface Custom extends FilterNode {
    /** The top-level column it reads. */
    String column();

    /**
     * An Iceberg expression every matching row satisfies (for pruning data files by their column
     * bounds), or always-true when none is known.
     */
    Expression implied();
  }

  static FilterNode and(FilterNode a, FilterNode b) {
    if (a instanceof Iceberg x && b instanceof Iceberg y) {
      return new Iceberg(Expressions.and(x.expr(), y.expr()));
    }
    return new And(a, b);
  }

  static FilterNode or(FilterNode a, FilterNode b) {
    if (a instanceof Iceberg x && b instanceof Iceberg y) {
      return new Iceberg(Expressions.or(x.expr(), y.expr()));
    }
    return new Or(a, b);
  }

  static FilterNode not(FilterNode a) {
    if (a instanceof Iceberg x) {
      return new Iceberg(Expressions.not(x.expr()));
    }
    return new Not(a);
  }

  /** An expression every row matching {@code n} satisfies, for file pruning. */
  static Expression implied(FilterNode n) {
    return switch (n) {
      case Iceberg i -> i.expr();
      case And a -> Expressions.and(implied(a.left()), implied(a.right()));
      case Or o -> Expressions.or(implied(o.left()), implied(o.right()));
      case Not x -> impliedByNot(x.inner());
      case Custom c -> c.implied();
    };
  }

  /** An expression every row NOT matching {@code n} satisfies. */
  private static Expression impliedByNot(FilterNode n) {
    return switch (n) {
      case Iceberg i -> Expressions.not(i.expr());
      case And a -> Expressions.or(impliedByNot(a.left()), impliedByNot(a.right()));
      case Or o -> Expressions.and(impliedByNot(o.left()), impliedByNot(o.right()));
      case Not x -> implied(x.inner());
      case Custom c -> Expressions.alwaysTrue();
    };
  }
}
