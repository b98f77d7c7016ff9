package io.lakebeam.core.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the JSON-path and geo parts of the filter language for {@link FilterParser}: predicates on
 * {@code col["key"][0]} paths, and the functions {@code json_contains}, {@code json_contains_any},
 * {@code json_contains_all} (alias {@code array_contains...}), {@code st_distance}, {@code
 * st_dwithin} and {@code st_within}.
 */
final class FilterFunctions {
  static final List<String> NAMES =
      List.of(
          "json_contains",
          "json_contains_any",
          "json_contains_all",
          "array_contains",
          "array_contains_any",
          "array_contains_all",
          "st_distance",
          "st_dwithin",
          "st_within");

  private FilterFunctions() {}

  /** The predicate after a JSON path: comparison, IN, LIKE, BETWEEN or IS [NOT] NULL. */
  static FilterNode jsonPredicate(FilterParser p, Token col, JsonPath path) {
    if (p.acceptKeyword("IS")) {
      boolean not = p.acceptKeyword("NOT");
      if (!p.acceptKeyword("NULL")) {
        throw p.error("expected NULL after IS");
      }
      FilterNode isNull = p.json(col, path, JsonPredicate.Kind.IS_NULL, null, List.of());
      return not ? FilterNode.not(isNull) : isNull;
    }
    boolean not = p.acceptKeyword("NOT");
    FilterNode node;
    if (p.acceptKeyword("IN")) {
      p.expect(Token.Kind.LPAREN, "'(' after IN");
      List<Object> values = new ArrayList<>();
      do {
        values.add(value(p));
      } while (p.accept(Token.Kind.COMMA));
      p.expect(Token.Kind.RPAREN, "')' after the IN list");
      node = p.json(col, path, JsonPredicate.Kind.IN, null, values);
    } else if (p.acceptKeyword("LIKE")) {
      Object pattern = p.literal();
      if (!(pattern instanceof String s)
          || !s.endsWith("%")
          || s.indexOf('%') != s.length() - 1
          || s.contains("_")) {
        throw p.error("LIKE supports a prefix pattern only, such as 'abc%'");
      }
      node =
          p.json(
              col, path, JsonPredicate.Kind.PREFIX, null, List.of(s.substring(0, s.length() - 1)));
    } else if (p.acceptKeyword("BETWEEN")) {
      Object lo = ordered(p);
      if (!p.acceptKeyword("AND")) {
        throw p.error("expected AND in BETWEEN");
      }
      Object hi = ordered(p);
      node =
          FilterNode.and(
              p.json(col, path, JsonPredicate.Kind.COMPARE, ">=", List.of(lo)),
              p.json(col, path, JsonPredicate.Kind.COMPARE, "<=", List.of(hi)));
    } else if (not) {
      throw p.error("expected IN, LIKE or BETWEEN after NOT");
    } else {
      Token op = p.next();
      if (op.kind() != Token.Kind.OP) {
        throw p.error(
            "expected a comparison (=, !=, <, <=, >, >=) after '" + col.text() + path + "'", op);
      }
      Token at = p.peek();
      Object v = value(p);
      if (v instanceof Boolean && !List.of("=", "==", "!=", "<>").contains(op.text())) {
        throw p.error("booleans compare with = and != only", at);
      }
      node = p.json(col, path, JsonPredicate.Kind.COMPARE, op.text(), List.of(v));
    }
    return not ? FilterNode.not(node) : node;
  }

  /** A function call whose name token has been read; the next token is '('. */
  static FilterNode parse(FilterParser p, Token name) {
    String fn = name.text().toLowerCase(Locale.ROOT);
    if (!NAMES.contains(fn)) {
      throw p.error("unknown function '" + name.text() + "'; filter functions are " + NAMES, name);
    }
    p.expect(Token.Kind.LPAREN, "'('");
    Token col = p.next();
    if (col.kind() != Token.Kind.IDENT) {
      throw p.error("expected a column name but found '" + col.text() + "'", col);
    }
    FilterNode node;
    if (fn.startsWith("st_")) {
      node = geo(p, fn, col);
    } else {
      JsonPath path = p.path();
      p.expect(Token.Kind.COMMA, "',' after the JSON path");
      if (fn.endsWith("_any") || fn.endsWith("_all")) {
        List<Object> values = new ArrayList<>();
        p.expect(Token.Kind.LBRACKET, "a list of values such as ['a', 'b'] in " + fn);
        do {
          values.add(value(p));
        } while (p.accept(Token.Kind.COMMA));
        p.expect(Token.Kind.RBRACKET, "']' after the list of values");
        JsonPredicate.Kind kind =
            fn.endsWith("_any") ? JsonPredicate.Kind.CONTAINS_ANY : JsonPredicate.Kind.CONTAINS_ALL;
        node = p.json(col, path, kind, null, values);
      } else {
        node = p.json(col, path, JsonPredicate.Kind.CONTAINS, null, List.of(value(p)));
      }
      p.expect(Token.Kind.RPAREN, "')' to close " + fn);
    }
    return node;
  }

  private static FilterNode geo(FilterParser p, String fn, Token col) {
    p.expect(Token.Kind.COMMA, "',' after the point column");
    if (fn.equals("st_within")) {
      Token box = p.next();
      if (!box.text().equalsIgnoreCase("BBOX") || box.quoted()) {
        throw p.error("st_within takes BBOX(min_lon, min_lat, max_lon, max_lat)", box);
      }
      p.expect(Token.Kind.LPAREN, "'(' after BBOX");
      double minLon = coordinate(p, true, "min_lon");
      p.expect(Token.Kind.COMMA, "',' and min_lat in BBOX(min_lon, min_lat, max_lon, max_lat)");
      double minLat = coordinate(p, false, "min_lat");
      p.expect(Token.Kind.COMMA, "',' and max_lon in BBOX(min_lon, min_lat, max_lon, max_lat)");
      double maxLon = coordinate(p, true, "max_lon");
      p.expect(Token.Kind.COMMA, "',' and max_lat in BBOX(min_lon, min_lat, max_lon, max_lat)");
      Token at = p.peek();
      double maxLat = coordinate(p, false, "max_lat");
      if (minLat > maxLat) {
        throw p.error("BBOX min_lat " + minLat + " is above max_lat " + maxLat, at);
      }
      p.expect(Token.Kind.RPAREN, "')' to close BBOX");
      p.expect(Token.Kind.RPAREN, "')' to close st_within");
      double[] b = {minLon, minLat, maxLon, maxLat};
      return geo(col, GeoPredicate.Kind.WITHIN, null, 0, 0, 0, b);
    }
    double[] point = point(p);
    if (fn.equals("st_dwithin")) {
      p.expect(Token.Kind.COMMA, "',' and a distance in metres");
      double meters = meters(p);
      p.expect(Token.Kind.RPAREN, "')' to close st_dwithin");
      return geo(col, GeoPredicate.Kind.DISTANCE, "<=", point[0], point[1], meters, null);
    }
    p.expect(Token.Kind.RPAREN, "')' to close st_distance");
    Token op = p.next();
    if (op.kind() != Token.Kind.OP) {
      throw p.error("expected a comparison with a distance in metres after st_distance(...)", op);
    }
    double meters = meters(p);
    return geo(col, GeoPredicate.Kind.DISTANCE, op.text(), point[0], point[1], meters, null);
  }

  private static GeoPredicate geo(
      Token col, GeoPredicate.Kind kind, String op, double lon, double lat, double m, double[] b) {
    return new GeoPredicate(col.text(), kind, op, lon, lat, m, b, null, null, col.position());
  }

  /** {@code POINT(lon lat)}, as in WKT (a comma between the coordinates is allowed too). */
  private static double[] point(FilterParser p) {
    Token t = p.next();
    if (!t.text().equalsIgnoreCase("POINT") || t.quoted()) {
      throw p.error("expected POINT(lon lat) but found '" + t.text() + "'", t);
    }
    p.expect(Token.Kind.LPAREN, "'(' after POINT");
    double lon = coordinate(p, true, "POINT(lon lat) needs a longitude");
    p.accept(Token.Kind.COMMA);
    if (p.peek().kind() != Token.Kind.NUMBER) {
      throw p.error("POINT(lon lat) needs two coordinates; the latitude is missing");
    }
    double lat = coordinate(p, false, "latitude");
    p.expect(Token.Kind.RPAREN, "')' to close POINT(lon lat)");
    return new double[] {lon, lat};
  }

  private static double coordinate(FilterParser p, boolean longitude, String what) {
    Token t = p.next();
    if (t.kind() != Token.Kind.NUMBER) {
      throw p.error("expected a number (" + what + ") but found '" + t.text() + "'", t);
    }
    double v = ((Number) number(p, t)).doubleValue();
    double limit = longitude ? 180 : 90;
    if (!(v >= -limit && v <= limit)) {
      throw p.error(
          (longitude ? "longitude " : "latitude ")
              + t.text()
              + " is outside ["
              + (int) -limit
              + ", "
              + (int) limit
              + "]",
          t);
    }
    return v;
  }

  private static double meters(FilterParser p) {
    Token t = p.next();
    if (t.kind() != Token.Kind.NUMBER) {
      throw p.error("expected a distance in metres but found '" + t.text() + "'", t);
    }
    double v = ((Number) number(p, t)).doubleValue();
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw p.error("a distance is a finite number of metres, 0 or more; found " + t.text(), t);
    }
    return v;
  }

  private static Object number(FilterParser p, Token t) {
    try {
      return Double.parseDouble(t.text());
    } catch (NumberFormatException e) {
      throw p.error("malformed number '" + t.text() + "'", t);
    }
  }

  /** A literal that is not NULL. */
  private static Object value(FilterParser p) {
    Token at = p.peek();
    Object v = p.literal();
    if (v == null) {
      throw p.error("compare with NULL using IS NULL or IS NOT NULL", at);
    }
    return v;
  }

  /** A literal that orders: a number or a string. */
  private static Object ordered(FilterParser p) {
    Token at = p.peek();
    Object v = value(p);
    if (v instanceof Boolean) {
      throw p.error("BETWEEN takes numbers or strings", at);
    }
    return v;
  }
}
