package io.lakebeam.core.filter;

import io.lakebeam.core.LakebeamException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Checks a parsed filter against a table schema, with the position of what is wrong: columns that
 * do not exist, JSON paths that a struct's fields rule out, point columns of the wrong shape. Also
 * finds the longitude and latitude fields of struct point columns, for pruning.
 */
final class FilterChecks {
  static final List<String> LON_NAMES = List.of("lon", "lng", "longitude");
  static final List<String> LAT_NAMES = List.of("lat", "latitude");

  private FilterChecks() {}

  static FilterNode check(
      FilterNode n, Schema schema, String filter, Map<String, Integer> positions) {
    return switch (n) {
      case FilterNode.Iceberg i -> {
        FilterParser.check(i.expr(), schema, filter, positions);
        yield i;
      }
      case FilterNode.And a ->
          new FilterNode.And(
              check(a.left(), schema, filter, positions),
              check(a.right(), schema, filter, positions));
      case FilterNode.Or o ->
          new FilterNode.Or(
              check(o.left(), schema, filter, positions),
              check(o.right(), schema, filter, positions));
      case FilterNode.Not x -> new FilterNode.Not(check(x.inner(), schema, filter, positions));
      case JsonPredicate j -> {
        checkPath(j, field(schema, filter, j.column(), j.position()), filter);
        yield j;
      }
      case GeoPredicate g -> resolve(g, field(schema, filter, g.column(), g.position()), filter);
      case FilterNode.Custom c -> c;
    };
  }

  private static Types.NestedField field(Schema schema, String filter, String column, int pos) {
    Types.NestedField f = schema.findField(column);
    if (f == null) {
      throw LakebeamException.invalid(
          "Cannot apply filter \"%s\" at position %d: no column '%s'; columns are %s",
          FilterParser.shown(filter),
          pos + 1,
          column,
          schema.columns().stream().map(Types.NestedField::name).toList());
    }
    return f;
  }

  private static void checkPath(JsonPredicate j, Types.NestedField f, String filter) {
    Type type = f.type();
    if (!type.isNestedType() && type.typeId() != Type.TypeID.STRING) {
      throw invalid(
          filter,
          j.position(),
          "column '%s' is %s; JSON paths and json_contains apply to string (JSON text), struct,"
              + " map and list columns",
          j.column(),
          type);
    }
    String at = j.column();
    for (Object step : j.path().steps()) {
      if (type.typeId() == Type.TypeID.STRING) {
        return; // JSON text: any path may exist
      }
      if (type instanceof Types.StructType st) {
        Types.NestedField child = step instanceof String k ? st.field(k) : null;
        if (child == null) {
          throw invalid(
              filter,
              j.position(),
              "%s has no field %s; its fields are %s",
              at,
              step instanceof String ? "'" + step + "'" : "at index " + step,
              st.fields().stream().map(Types.NestedField::name).toList());
        }
        type = child.type();
      } else if (type instanceof Types.MapType mt) {
        type = mt.valueType();
      } else if (type instanceof Types.ListType lt) {
        if (!(step instanceof Integer)) {
          throw invalid(
              filter, j.position(), "%s is a list; index it with a number, such as [0]", at);
        }
        type = lt.elementType();
      } else {
        throw invalid(filter, j.position(), "%s is %s; a JSON path cannot go into it", at, type);
      }
      at = at + (step instanceof String k ? "[\"" + k + "\"]" : "[" + step + "]");
    }
  }

  private static GeoPredicate resolve(GeoPredicate g, Types.NestedField f, String filter) {
    if (f.type().typeId() == Type.TypeID.STRING) {
      return g; // WKT text: no column bounds to prune with
    }
    if (f.type() instanceof Types.StructType st) {
      Types.NestedField lon = numeric(st, LON_NAMES);
      Types.NestedField lat = numeric(st, LAT_NAMES);
      if (lon != null && lat != null) {
        return new GeoPredicate(
            g.column(),
            g.kind(),
            g.op(),
            g.lon(),
            g.lat(),
            g.meters(),
            g.box(),
            g.column() + "." + lon.name(),
            g.column() + "." + lat.name(),
            g.position());
      }
    }
    throw invalid(
        filter,
        g.position(),
        "column '%s' is %s; geo functions take a struct<lon: double, lat: double> column or a"
            + " string column of WKT 'POINT(lon lat)'",
        g.column(),
        f.type());
  }

  /** The first double or float field of a struct with one of the names, or null. */
  static Types.NestedField numeric(Types.StructType st, List<String> names) {
    for (String name : names) {
      Types.NestedField f = st.caseInsensitiveField(name);
      if (f != null
          && (f.type().typeId() == Type.TypeID.DOUBLE || f.type().typeId() == Type.TypeID.FLOAT)) {
        return f;
      }
    }
    return null;
  }

  private static LakebeamException invalid(
      String filter, int position, String format, Object... args) {
    return LakebeamException.invalid(
        "Cannot apply filter \"%s\" at position %d: %s",
        FilterParser.shown(filter), position + 1, String.format(format, args));
  }
}
