package io.lakebeam.core.filter;

import java.util.List;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

/**
 * A predicate on the value at a JSON path of a column (a JSON string, or a struct, map or list
 * column): {@code meta["lang"] = 'en'}, {@code json_contains(meta["tags"], 'x')}. Semantics are in
 * {@link JsonValues}; a missing path, a JSON null, a malformed JSON string or a value of another
 * type makes every comparison false (and its NOT true).
 */
record JsonPredicate(
    String column, JsonPath path, Kind kind, String op, List<Object> values, int position)
    implements FilterNode.Custom {

  enum Kind {
    /** {@code path op literal}; {@code op} is one of {@code = == != <> < <= > >=}. */
    COMPARE,
    /** {@code path IN (literals)}. */
    IN,
    /** {@code path LIKE 'prefix%'}: a string value starting with the prefix. */
    PREFIX,
    /** {@code path IS NULL}: missing, or JSON null. */
    IS_NULL,
    /** {@code EXISTS path}: the path is present (its value may be JSON null). */
    EXISTS,
    /** {@code json_contains(path, literal)}: an array holding the literal. */
    CONTAINS,
    /** {@code json_contains_any(path, [literals])}. */
    CONTAINS_ANY,
    /** {@code json_contains_all(path, [literals])}. */
    CONTAINS_ALL
  }

  JsonPredicate {
    values = List.copyOf(values);
  }

  @Override
  public Expression implied() {
    return Expressions.alwaysTrue();
  }

  /** Whether the value at the path (null when the path is missing) matches. */
  boolean test(Object v) {
    return switch (kind) {
      case COMPARE -> JsonValues.test(v, op, values.get(0));
      case IN -> values.stream().anyMatch(x -> JsonValues.equal(v, x));
      case PREFIX -> v instanceof String s && s.startsWith((String) values.get(0));
      case IS_NULL -> v == null || v == JsonValues.NULL;
      case EXISTS -> v != null;
      case CONTAINS -> JsonValues.contains(v, values.get(0));
      case CONTAINS_ANY -> values.stream().anyMatch(x -> JsonValues.contains(v, x));
      case CONTAINS_ALL -> values.stream().allMatch(x -> JsonValues.contains(v, x));
    };
  }

  @Override
  public String toString() {
    String target = column + path;
    return switch (kind) {
      case COMPARE -> target + " " + op + " " + literal(values.get(0));
      case IN -> target + " IN " + list("(", ")");
      case PREFIX -> target + " LIKE " + literal(values.get(0) + "%");
      case IS_NULL -> target + " IS NULL";
      case EXISTS -> "EXISTS " + target;
      case CONTAINS -> "json_contains(" + target + ", " + literal(values.get(0)) + ")";
      case CONTAINS_ANY -> "json_contains_any(" + target + ", " + list("[", "]") + ")";
      case CONTAINS_ALL -> "json_contains_all(" + target + ", " + list("[", "]") + ")";
    };
  }

  private String list(String open, String close) {
    return open + String.join(", ", values.stream().map(JsonPredicate::literal).toList()) + close;
  }

  private static String literal(Object v) {
    return v instanceof String s ? "'" + s.replace("'", "''") + "'" : String.valueOf(v);
  }
}
