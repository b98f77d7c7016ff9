package io.lakebeam.core.filter;

import io.lakebeam.core.LakebeamException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.iceberg.Schema;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Binder;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.types.Types;

/**
 * Parses the SQL-like filter language of searches and reads into an Iceberg {@link Expression}, so
 * the same predicate prunes data files by their metrics and tests single rows.
 *
 * <pre>{@code
 * Expression e = FilterParser.parse("lang = 'en' AND year >= 2020", table.schema());
 * }</pre>
 *
 * <p>Grammar: {@code or := and (OR and)*; and := unary (AND unary)*; unary := NOT unary | '(' or
 * ')' | predicate}; predicates: {@code col op literal} with {@code = != <> < <= > >=}, {@code col
 * [NOT] IN (lit, ...)}, {@code col IS [NOT] NULL}, {@code col [NOT] LIKE 'prefix%'}, {@code col
 * BETWEEN lit AND lit}.
 */
public final class FilterParser {
  /** Most levels of parentheses and NOT a filter may nest. */
  public static final int MAX_NESTING = 64;

  private final java.util.Map<String, Integer> columnPositions = new java.util.HashMap<>();
  private final List<Token> tokens;
  private final String text;
  private int i;
  private int depth;

  private FilterParser(String text) {
    this.text = text;
    this.tokens = FilterLexer.tokenize(text);
  }

  /**
   * Parses and checks a filter of scalar predicates against a schema into one Iceberg expression;
   * null or blank means "every row". A filter with JSON-path or geo predicates needs {@link
   * RowFilter#parse}, which every search, read and context spec uses.
   */
  public static Expression parse(String filter, Schema schema) {
    FilterNode tree = tree(filter, schema);
    if (tree instanceof FilterNode.Iceberg i) {
      return i.expr();
    }
    throw LakebeamException.invalid(
        "Cannot apply filter \"%s\" here: JSON-path and geo predicates are supported in searches,"
            + " reads and context specs only",
        shown(filter));
  }

  /** Parses and checks a filter into its tree; null or blank is one always-true Iceberg node. */
  static FilterNode tree(String filter, Schema schema) {
    if (filter == null || filter.isBlank()) {
      return new FilterNode.Iceberg(Expressions.alwaysTrue());
    }
    FilterParser p = new FilterParser(filter);
    FilterNode tree = p.parseOr();
    if (p.peek().kind() != Token.Kind.END) {
      throw p.error("unexpected '" + p.peek().text() + "'");
    }
    if (schema != null) {
      tree = FilterChecks.check(tree, schema, filter, p.columnPositions);
    }
    return tree;
  }

  /** Column names a filter refers to. */
  public static List<String> columns(Expression e) {
    List<String> names = new ArrayList<>();
    org.apache.iceberg.expressions.ExpressionVisitors.visit(e, new ReferenceCollector(names));
    return names;
  }

  static void check(
      Expression e, Schema schema, String filter, java.util.Map<String, Integer> positions) {
    for (String column : columns(e)) {
      Types.NestedField f = schema.findField(column);
      if (f == null) {
        throw LakebeamException.invalid(
            "Cannot apply filter \"%s\" at position %d: no column '%s'; columns are %s",
            shown(filter),
            positions.getOrDefault(column, 0) + 1,
            column,
            schema.columns().stream().map(Types.NestedField::name).toList());
      }
      if (!f.type().isPrimitiveType()) {
        throw LakebeamException.invalid(
            "Cannot apply filter \"%s\" at position %d: column '%s' is %s; comparisons apply to"
                + " scalar columns (reach into struct, map, list and JSON columns by path, as in"
                + " %s[\"key\"] or %s[0], or with json_contains)",
            shown(filter), positions.getOrDefault(column, 0) + 1, column, f.type(), column, column);
      }
    }
    try {
      Binder.bind(schema.asStruct(), e, true);
    } catch (ValidationException | IllegalArgumentException | UnsupportedOperationException ex) {
      throw LakebeamException.invalid(
          "Cannot apply filter \"%s\": %s", shown(filter), ex.getMessage());
    }
  }

  private FilterNode parseOr() {
    FilterNode left = parseAnd();
    while (acceptKeyword("OR")) {
      left = FilterNode.or(left, parseAnd());
    }
    return left;
  }

  private FilterNode parseAnd() {
    FilterNode left = parseUnary();
    while (acceptKeyword("AND")) {
      left = FilterNode.and(left, parseUnary());
    }
    return left;
  }

  private FilterNode parseUnary() {
    if (acceptKeyword("NOT")) {
      enter();
      FilterNode inner = FilterNode.not(parseUnary());
      depth--;
      return inner;
    }
    if (peek().kind() == Token.Kind.LPAREN) {
      next();
      enter();
      FilterNode inner = parseOr();
      expect(Token.Kind.RPAREN, "')'");
      depth--;
      return inner;
    }
    return parsePredicate();
  }

  /** One more level of parentheses or NOT; deeper than {@link #MAX_NESTING} is an error. */
  private void enter() {
    if (++depth > MAX_NESTING) {
      throw error(
          "parentheses and NOT are nested more than "
              + MAX_NESTING
              + " levels deep; flatten the filter (a IN (...) list, or AND/OR chains)");
    }
  }

  private FilterNode parsePredicate() {
    Token col = next();
    if (col.kind() != Token.Kind.IDENT) {
      throw error("expected a column name but found '" + col.text() + "'", col);
    }
    if (!col.quoted() && peek().kind() == Token.Kind.LPAREN) {
      return FilterFunctions.parse(this, col);
    }
    if (!col.quoted()
        && col.text().equalsIgnoreCase("EXISTS")
        && peek().kind() == Token.Kind.IDENT) {
      Token target = next();
      JsonPath path = path();
      return json(target, path, JsonPredicate.Kind.EXISTS, null, List.of());
    }
    if (peek().kind() == Token.Kind.LBRACKET) {
      return FilterFunctions.jsonPredicate(this, col, path());
    }
    return new FilterNode.Iceberg(scalarPredicate(col));
  }

  private Expression scalarPredicate(Token col) {
    String name = col.text();
    columnPositions.putIfAbsent(name, col.position());
    if (acceptKeyword("IS")) {
      boolean not = acceptKeyword("NOT");
      if (!acceptKeyword("NULL")) {
        throw error("expected NULL after IS");
      }
      return not ? Expressions.notNull(name) : Expressions.isNull(name);
    }
    boolean not = acceptKeyword("NOT");
    if (acceptKeyword("IN")) {
      expect(Token.Kind.LPAREN, "'(' after IN");
      List<Object> values = new ArrayList<>();
      do {
        values.add(literal());
      } while (accept(Token.Kind.COMMA));
      expect(Token.Kind.RPAREN, "')' after the IN list");
      return not
          ? Expressions.notIn(name, values.toArray())
          : Expressions.in(name, values.toArray());
    }
    if (acceptKeyword("LIKE")) {
      Object pattern = literal();
      if (!(pattern instanceof String s)
          || !s.endsWith("%")
          || s.indexOf('%') != s.length() - 1
          || s.contains("_")) {
        throw error("LIKE supports a prefix pattern only, such as 'abc%'");
      }
      String prefix = s.substring(0, s.length() - 1);
      return not ? Expressions.notStartsWith(name, prefix) : Expressions.startsWith(name, prefix);
    }
    if (acceptKeyword("BETWEEN")) {
      Object lo = literal();
      if (!acceptKeyword("AND")) {
        throw error("expected AND in BETWEEN");
      }
      Object hi = literal();
      Expression between =
          Expressions.and(
              Expressions.greaterThanOrEqual(name, lo), Expressions.lessThanOrEqual(name, hi));
      return not ? Expressions.not(between) : between;
    }
    if (not) {
      throw error("expected IN, LIKE or BETWEEN after NOT");
    }
    Token op = next();
    if (op.kind() != Token.Kind.OP) {
      throw error("expected a comparison (=, !=, <, <=, >, >=) after '" + name + "'", op);
    }
    Object value = literal();
    if (value == null) {
      throw error("compare with NULL using IS NULL or IS NOT NULL");
    }
    switch (op.text()) {
      case "=":
      case "==":
        return Expressions.equal(name, value);
      case "!=":
      case "<>":
        return Expressions.notEqual(name, value);
      case "<":
        return Expressions.lessThan(name, value);
      case "<=":
        return Expressions.lessThanOrEqual(name, value);
      case ">":
        return Expressions.greaterThan(name, value);
      case ">=":
        return Expressions.greaterThanOrEqual(name, value);
      default:
        throw error("unknown operator '" + op.text() + "'", op);
    }
  }

  /** Path steps after a column: {@code ["key"]}, {@code ['key']} or {@code [0]}, any number. */
  JsonPath path() {
    List<Object> steps = new ArrayList<>();
    while (accept(Token.Kind.LBRACKET)) {
      Token t = next();
      if (t.kind() == Token.Kind.STRING || (t.kind() == Token.Kind.IDENT && t.quoted())) {
        steps.add(t.text());
      } else if (t.kind() == Token.Kind.NUMBER && t.text().matches("[0-9]{1,9}")) {
        steps.add(Integer.parseInt(t.text()));
      } else {
        throw error(
            "invalid JSON path step '"
                + t.text()
                + "': use a quoted key [\"key\"] or an array index [0]",
            t);
      }
      if (!accept(Token.Kind.RBRACKET)) {
        throw error("expected ']' to close the JSON path step");
      }
    }
    if (steps.size() > MAX_NESTING) {
      throw error("a JSON path has at most " + MAX_NESTING + " steps");
    }
    return new JsonPath(steps);
  }

  /** A JSON predicate on {@code col}, remembering where the column was written. */
  JsonPredicate json(
      Token col, JsonPath path, JsonPredicate.Kind kind, String op, List<Object> values) {
    columnPositions.putIfAbsent(col.text(), col.position());
    return new JsonPredicate(col.text(), path, kind, op, values, col.position());
  }

  Object literal() {
    Token t = next();
    switch (t.kind()) {
      case STRING:
        return t.text();
      case NUMBER:
        String n = t.text();
        if (n.contains(".") || n.contains("e") || n.contains("E")) {
          return new BigDecimal(n).doubleValue();
        }
        try {
          return Long.parseLong(n);
        } catch (NumberFormatException e) {
          throw error("number out of range: " + n, t);
        }
      case IDENT:
        String word = t.text().toLowerCase(Locale.ROOT);
        if (t.quoted()) {
          break;
        }
        if (word.equals("true") || word.equals("false")) {
          return Boolean.parseBoolean(word);
        }
        if (word.equals("null")) {
          return null;
        }
        break;
      default:
        break;
    }
    throw error(
        "expected a value ('text', a number, true or false) but found '" + t.text() + "'", t);
  }

  Token peek() {
    return tokens.get(i);
  }

  Token next() {
    Token t = tokens.get(i);
    if (t.kind() != Token.Kind.END) {
      i++;
    }
    return t;
  }

  boolean accept(Token.Kind kind) {
    if (peek().kind() == kind) {
      i++;
      return true;
    }
    return false;
  }

  boolean acceptKeyword(String word) {
    Token t = peek();
    if (t.kind() == Token.Kind.IDENT && !t.quoted() && t.text().equalsIgnoreCase(word)) {
      i++;
      return true;
    }
    return false;
  }

  void expect(Token.Kind kind, String what) {
    if (!accept(kind)) {
      throw error("expected " + what);
    }
  }

  LakebeamException error(String message) {
    return error(message, peek());
  }

  LakebeamException error(String message, Token at) {
    return LakebeamException.invalid(
        "Cannot parse filter \"%s\" at position %d: %s", shown(text), at.position() + 1, message);
  }

  /** The filter as error messages show it: at most 200 characters. */
  static String shown(String filter) {
    return filter.length() <= 200 ? filter : filter.substring(0, 200) + "...";
  }
}
