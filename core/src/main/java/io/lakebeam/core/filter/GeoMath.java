package io.lakebeam.core.filter;

import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/** Great-circle distances and bounding boxes on a sphere, in degrees and metres. */
final class GeoMath {
  /** The WGS84 mean radius R1 = (2a + b) / 3, in metres. */
  static final double EARTH_RADIUS_M = 6_371_008.8;

  /** Degrees a pruning box is widened by, so rounding can never drop a matching row (~1 cm). */
  static final double MARGIN_DEG = 1e-7;

  private GeoMath() {}

  /** Haversine distance in metres between two (lon, lat) points in degrees. */
  static double haversine(double lon1, double lat1, double lon2, double lat2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double sinDLat = Math.sin((p2 - p1) / 2);
    double sinDLon = Math.sin(Math.toRadians(lon2 - lon1) / 2);
    double h = sinDLat * sinDLat + Math.cos(p1) * Math.cos(p2) * sinDLon * sinDLon;
    return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(Math.min(1.0, h)));
  }

  /**
   * Whether a point is inside {min_lon, min_lat, max_lon, max_lat} (edges included); a box with
   * min_lon greater than max_lon crosses the antimeridian.
   */
  static boolean inBox(double lon, double lat, double[] b) {
    if (lat < b[1] || lat > b[3]) {
      return false;
    }
    return b[0] <= b[2] ? lon >= b[0] && lon <= b[2] : lon >= b[0] || lon <= b[2];
  }

  /**
   * The smallest box holding every point within {@code meters} of (lon, lat), as {min_lon, min_lat,
   * max_lon, max_lat} (min_lon greater than max_lon across the antimeridian), or null when the
   * circle spans every longitude and latitude.
   */
  static double[] circleBox(double lon, double lat, double meters) {
    double r = meters / EARTH_RADIUS_M;
    if (!(r < Math.PI)) {
      return null;
    }
    double latR = Math.toRadians(lat);
    double minLat = latR - r;
    double maxLat = latR + r;
    double minLon;
    double maxLon;
    if (minLat > -Math.PI / 2 && maxLat < Math.PI / 2) {
      double dLon = Math.asin(Math.min(1.0, Math.sin(r) / Math.cos(latR)));
      minLon = Math.toRadians(lon) - dLon;
      maxLon = Math.toRadians(lon) + dLon;
      if (minLon < -Math.PI) {
        minLon += 2 * Math.PI;
      }
      if (maxLon > Math.PI) {
        maxLon -= 2 * Math.PI;
      }
    } else {
      // the circle holds a pole: every longitude
      minLat = Math.max(minLat, -Math.PI / 2);
      maxLat = Math.min(maxLat, Math.PI / 2);
      minLon = -Math.PI;
      maxLon = Math.PI;
    }
    return new double[] {
      Math.toDegrees(minLon) - MARGIN_DEG,
      Math.toDegrees(minLat) - MARGIN_DEG,
      Math.toDegrees(maxLon) + MARGIN_DEG,
      Math.toDegrees(maxLat) + MARGIN_DEG
    };
  }

  /** An Iceberg expression for a box over two double columns (or struct fields). */
  static Expression boxExpression(String lonRef, String latRef, double[] b) {
    Expression lat =
        Expressions.and(
            Expressions.greaterThanOrEqual(latRef, b[1]),
            Expressions.lessThanOrEqual(latRef, b[3]));
    Expression lon =
        b[0] <= b[2]
            ? Expressions.and(
                Expressions.greaterThanOrEqual(lonRef, b[0]),
                Expressions.lessThanOrEqual(lonRef, b[2]))
            : Expressions.or(
                Expressions.greaterThanOrEqual(lonRef, b[0]),
                Expressions.lessThanOrEqual(lonRef, b[2]));
    return Expressions.and(lat, lon);
  }

  /**
   * Parses WKT {@code POINT(lon lat)} (case-insensitive, spaces allowed) into {lon, lat}, or null
   * when the text is not such a point.
   */
  static double[] parseWkt(String s) {
    int open = s.indexOf('(');
    int close = s.lastIndexOf(')');
    if (open < 0 || close < open || !s.substring(0, open).trim().equalsIgnoreCase("POINT")) {
      return null;
    }
    String[] parts = s.substring(open + 1, close).trim().split("\\s+");
    if (parts.length != 2) {
      return null;
    }
    try {
      return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
