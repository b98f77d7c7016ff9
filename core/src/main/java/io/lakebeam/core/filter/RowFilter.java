package io.lakebeam.core.filter;

import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.types.Types;

/**
 * A parsed and checked filter of a search, read or context spec: scalar predicates (evaluated by
 * Iceberg), JSON-path predicates and geo predicates, with the Iceberg expression that prunes data
 * files by their column bounds. Immutable and thread-safe; its {@link RowMatcher}s are not.
 *
 * <pre>{@code
 * RowFilter f = RowFilter.parse("meta[\"lang\"] = 'en' AND st_dwithin(loc, POINT(2.35 48.85), 5000)",
 *     table.schema());
 * Schema projection = table.schema().select(f.columns());
 * RowMatcher m = f.matcher(projection.asStruct());
 * boolean keep = f.mightMatch(dataFile) && m.test(row);
 * }</pre>
 */
public final class RowFilter {
  private final FilterNode tree;
  private final Schema schema;
  private final List<String> columns;
  private final Expression pruning;
  private volatile InclusiveMetricsEvaluator metrics;

  private RowFilter(FilterNode tree, Schema schema) {
    this.tree = tree;
    this.schema = schema;
    this.columns = columns(tree, schema);
    this.pruning = FilterNode.implied(tree);
  }

  /**
   * Parses and checks a filter against a table schema; null or blank matches every row.
   *
   * @throws io.lakebeam.core.LakebeamException INVALID_ARGUMENT naming the position of what is
   *     wrong
   */
  public static RowFilter parse(String filter, Schema schema) {
    return new RowFilter(FilterParser.tree(filter, schema), schema);
  }

  /** Whether the filter keeps every row (no predicate). */
  public boolean matchesAll() {
    return columns.isEmpty() && pruning.op() == Expression.Operation.TRUE;
  }

  /** The top-level columns a row must carry for {@link #matcher}. */
  public List<String> columns() {
    return columns;
  }

  /** An Iceberg expression every matching row satisfies, for pruning files by their metrics. */
  public Expression pruning() {
    return pruning;
  }

  /** False when the file's column bounds prove that none of its rows can match. */
  public boolean mightMatch(DataFile file) {
    if (pruning.op() == Expression.Operation.TRUE) {
      return true;
    }
    InclusiveMetricsEvaluator m = metrics;
    if (m == null) {
      m = new InclusiveMetricsEvaluator(schema, pruning, true);
      metrics = m;
    }
    return m.eval(file);
  }

  /**
   * A matcher of rows laid out as {@code rowType}, which holds at least {@link #columns()} at the
   * top level (such as {@code schema.select(columns()).asStruct()}).
   */
  public RowMatcher matcher(Types.StructType rowType) {
    return new RowMatcher(tree, rowType);
  }

  /** The filter in a canonical form: equal for filters that select the same rows the same way. */
  @Override
  public String toString() {
    return render(tree);
  }

  private static String render(FilterNode n) {
    return switch (n) {
      case FilterNode.Iceberg i -> i.expr().toString();
      case FilterNode.And a -> "(" + render(a.left()) + " and " + render(a.right()) + ")";
      case FilterNode.Or o -> "(" + render(o.left()) + " or " + render(o.right()) + ")";
      case FilterNode.Not x -> "not(" + render(x.inner()) + ")";
      case FilterNode.Custom c -> c.toString();
    };
  }

  private static List<String> columns(FilterNode tree, Schema schema) {
    List<String> out = new ArrayList<>();
    collect(tree, schema, out);
    return List.copyOf(out);
  }

  private static void collect(FilterNode n, Schema schema, List<String> out) {
    switch (n) {
      case FilterNode.Iceberg i -> {
        if (i.expr().op() != Expression.Operation.TRUE) {
          FilterParser.columns(i.expr()).forEach(c -> add(out, topLevel(c, schema)));
        }
      }
      case FilterNode.And a -> {
        collect(a.left(), schema, out);
        collect(a.right(), schema, out);
      }
      case FilterNode.Or o -> {
        collect(o.left(), schema, out);
        collect(o.right(), schema, out);
      }
      case FilterNode.Not x -> collect(x.inner(), schema, out);
      case FilterNode.Custom c -> add(out, c.column());
    }
  }

  private static void add(List<String> out, String column) {
    if (!out.contains(column)) {
      out.add(column);
    }
  }

  /** The top-level column that holds a (maybe dotted, nested) column name. */
  private static String topLevel(String name, Schema schema) {
    if (schema == null || schema.asStruct().field(name) != null) {
      return name;
    }
    String best = name;
    int bestLength = -1;
    for (Types.NestedField f : schema.columns()) {
      if (name.startsWith(f.name() + ".") && f.name().length() > bestLength) {
        best = f.name();
        bestLength = f.name().length();
      }
    }
    return best;
  }
}
