package io.lakebeam.core.filter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Tests rows against a {@link RowFilter}. Each JSON column is read once per row, extracting every
 * path the filter names in one streaming pass; only that row's values are kept. Not thread-safe:
 * one matcher per thread (a filter makes as many as needed).
 *
 * <pre>{@code
 * RowMatcher m = filter.matcher(projection.asStruct());
 * for (Record r : rows) if (m.test(r)) emit(r);
 * }</pre>
 */
public final class RowMatcher {
  private interface Test {
    boolean test(StructLike row);
  }

  /** One JSON column: where it is in the row, the paths read from it and this row's values. */
  private final class JsonColumn {
    final int position;
    final Type type;
    final List<JsonPath> paths = new ArrayList<>();
    JsonPathReader reader;
    Object[] values;
    long row = -1;

    JsonColumn(int position, Type type) {
      this.position = position;
      this.type = type;
    }

    int add(JsonPath p) {
      int i = paths.indexOf(p);
      if (i < 0) {
        paths.add(p);
        i = paths.size() - 1;
      }
      return i;
    }

    Object value(StructLike r, int path) {
      if (row != rowNumber) {
        reader.read(r.get(position, Object.class), type, values);
        row = rowNumber;
      }
      return values[path];
    }
  }

  private final Types.StructType rowType;
  private final Map<String, JsonColumn> json = new LinkedHashMap<>();
  private final Test root;
  private long rowNumber;

  RowMatcher(FilterNode tree, Types.StructType rowType) {
    this.rowType = rowType;
    collectPaths(tree);
    for (JsonColumn c : json.values()) {
      c.reader = new JsonPathReader(c.paths);
      c.values = new Object[c.paths.size()];
    }
    this.root = compile(tree);
  }

  /** Whether the row matches. */
  public boolean test(StructLike row) {
    rowNumber++;
    return root.test(row);
  }

  private void collectPaths(FilterNode n) {
    switch (n) {
      case FilterNode.And a -> {
        collectPaths(a.left());
        collectPaths(a.right());
      }
      case FilterNode.Or o -> {
        collectPaths(o.left());
        collectPaths(o.right());
      }
      case FilterNode.Not x -> collectPaths(x.inner());
      case JsonPredicate j ->
          json.computeIfAbsent(
                  j.column(), c -> new JsonColumn(position(c), rowType.field(c).type()))
              .add(j.path());
      default -> {}
    }
  }

  private Test compile(FilterNode n) {
    return switch (n) {
      case FilterNode.Iceberg i -> {
        Evaluator e = new Evaluator(rowType, i.expr(), true);
        yield e::eval;
      }
      case FilterNode.And a -> {
        Test l = compile(a.left());
        Test r = compile(a.right());
        yield row -> l.test(row) && r.test(row);
      }
      case FilterNode.Or o -> {
        Test l = compile(o.left());
        Test r = compile(o.right());
        yield row -> l.test(row) || r.test(row);
      }
      case FilterNode.Not x -> {
        Test inner = compile(x.inner());
        yield row -> !inner.test(row);
      }
      case JsonPredicate j -> {
        JsonColumn c = json.get(j.column());
        int path = c.paths.indexOf(j.path());
        yield row -> j.test(c.value(row, path));
      }
      case GeoPredicate g -> geo(g);
      case FilterNode.Custom c ->
          throw new IllegalArgumentException("Cannot evaluate filter predicate " + c);
    };
  }

  private Test geo(GeoPredicate g) {
    int pos = position(g.column());
    Type type = rowType.field(g.column()).type();
    if (type instanceof Types.StructType st) {
      int lon = st.fields().indexOf(FilterChecks.numeric(st, FilterChecks.LON_NAMES));
      int lat = st.fields().indexOf(FilterChecks.numeric(st, FilterChecks.LAT_NAMES));
      return row -> {
        StructLike p = row.get(pos, StructLike.class);
        if (p == null) {
          return false;
        }
        Object x = p.get(lon, Object.class);
        Object y = p.get(lat, Object.class);
        return x != null
            && y != null
            && g.test(((Number) x).doubleValue(), ((Number) y).doubleValue());
      };
    }
    return row -> {
      Object v = row.get(pos, Object.class);
      double[] p = v == null ? null : GeoMath.parseWkt(v.toString());
      return p != null && g.test(p[0], p[1]);
    };
  }

  private int position(String column) {
    List<Types.NestedField> fields = rowType.fields();
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(column)) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "Cannot match rows: the row type " + rowType + " has no column '" + column + "'");
  }
}
