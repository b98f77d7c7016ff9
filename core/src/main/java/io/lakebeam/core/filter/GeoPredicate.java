package io.lakebeam.core.filter;

import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * A predicate on a point column: a struct with {@code lon} and {@code lat} fields (doubles or
 * floats; {@code longitude}/{@code latitude} also work), or a string column holding WKT {@code
 * 'POINT(lon lat)'}. Distances are great-circle (haversine) metres on a sphere of the WGS84 mean
 * radius, {@value GeoMath#EARTH_RADIUS_M} m.
 *
 * @param lonRef the dotted name of the longitude field of a struct column, for pruning by its
 *     column bounds; null for a WKT column (no pruning)
 */
record GeoPredicate(
    String column,
    Kind kind,
    String op,
    double lon,
    double lat,
    double meters,
    double[] box,
    String lonRef,
    String latRef,
    int position)
    implements FilterNode.Custom {

  enum Kind {
    /** {@code st_distance(col, POINT(lon lat)) op meters}. */
    DISTANCE,
    /** {@code st_within(col, BBOX(min_lon, min_lat, max_lon, max_lat))}. */
    WITHIN
  }

  /** Whether a point matches; NaN coordinates (a null or malformed point) never match. */
  boolean test(double pLon, double pLat) {
    if (Double.isNaN(pLon) || Double.isNaN(pLat)) {
      return false;
    }
    if (kind == Kind.WITHIN) {
      return GeoMath.inBox(pLon, pLat, box);
    }
    return JsonValues.test(GeoMath.haversine(lon, lat, pLon, pLat), op, meters);
  }

  @Override
  public Expression implied() {
    if (lonRef == null) {
      return Expressions.alwaysTrue();
    }
    double[] b;
    if (kind == Kind.WITHIN) {
      b = box;
    } else if (op.equals("<") || op.equals("<=") || op.equals("=") || op.equals("==")) {
      b = GeoMath.circleBox(lon, lat, meters);
    } else {
      return Expressions.alwaysTrue();
    }
    return b == null ? Expressions.alwaysTrue() : GeoMath.boxExpression(lonRef, latRef, b);
  }

  @Override
  public String toString() {
    return kind == Kind.WITHIN
        ? String.format(
            "st_within(%s, BBOX(%s, %s, %s, %s))", column, box[0], box[1], box[2], box[3])
        : String.format("st_distance(%s, POINT(%s %s)) %s %s", column, lon, lat, op, meters);
  }
}
