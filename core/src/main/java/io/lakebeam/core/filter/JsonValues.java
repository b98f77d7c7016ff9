package io.lakebeam.core.filter;

import java.util.List;
import java.util.Map;

/**
 * How JSON values compare, following Milvus's JSON filtering: numbers compare with numbers (an
 * integer equals the same float), strings with strings (by UTF-16 code unit), booleans with
 * booleans (= and != only); a value of another type, a JSON null or a missing path never matches a
 * comparison. Values are {@link String}, {@link Long}, {@link Double}, {@link Boolean}, {@link
 * #NULL}, {@link List} or {@link Map}; a missing path is Java {@code null}.
 */
final class JsonValues {
  /** The JSON literal {@code null} (a present key whose value is null). */
  static final Object NULL =
      new Object() {
        @Override
        public String toString() {
          return "null";
        }
      };

  private JsonValues() {}

  /**
   * Compares a JSON value with a literal: negative, zero or positive, or null when they do not
   * compare (missing, null, or another type).
   */
  static Integer compare(Object value, Object literal) {
    if (literal instanceof String s) {
      return value instanceof String v ? Integer.valueOf(v.compareTo(s)) : null;
    }
    if (literal instanceof Boolean b) {
      return value instanceof Boolean v ? Integer.valueOf(Boolean.compare(v, b)) : null;
    }
    if (literal instanceof Number n && (value instanceof Long || value instanceof Double)) {
      if (value instanceof Long v && n instanceof Long m) {
        return Long.compare(v, m);
      }
      double a = ((Number) value).doubleValue();
      double b = n.doubleValue();
      return a < b ? -1 : (a > b ? 1 : (a == b ? 0 : null));
    }
    return null;
  }

  static boolean equal(Object value, Object literal) {
    Integer c = compare(value, literal);
    return c != null && c == 0;
  }

  /** Whether a comparison {@code value op literal} holds. */
  static boolean test(Object value, String op, Object literal) {
    Integer c = compare(value, literal);
    if (c == null) {
      return false;
    }
    return switch (op) {
      case "=", "==" -> c == 0;
      case "!=", "<>" -> c != 0;
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      case ">=" -> c >= 0;
      default -> throw new IllegalArgumentException("Cannot compare with " + op);
    };
  }

  /** Whether a JSON array holds an element equal to the literal. */
  static boolean contains(Object value, Object literal) {
    if (!(value instanceof List<?> list)) {
      return false;
    }
    for (Object e : list) {
      if (equal(e, literal)) {
        return true;
      }
    }
    return false;
  }
}
