package io.lakebeam.flight;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A small JSON Schema check (the subset the REST API's OpenAPI document uses: {@code type}, {@code
 * minimum}, {@code minItems}, {@code items}, {@code properties}, {@code required}, {@code
 * additionalProperties}, {@code oneOf}). A value that fails gets {@code INVALID_ARGUMENT} naming
 * the path of the field at fault ({@code 'data[2][5]' must be a number}) and, for an unknown key,
 * the closest known one.
 *
 * <pre>{@code
 * RestSchema.check(body.get("limit"), Map.of("type", "integer", "minimum", 1), "limit", what);
 * }</pre>
 */
final class RestSchema {
  private RestSchema() {}

  /** Fails unless {@code value} (parsed JSON) fits {@code schema}; {@code path} names it. */
  @SuppressWarnings("unchecked")
  static void check(Object value, Map<String, Object> schema, String path, String what) {
    Object oneOf = schema.get("oneOf");
    if (oneOf instanceof List<?> options) {
      Map<String, Object> sameType = null;
      int sameTypes = 0;
      for (Object o : options) {
        Map<String, Object> option = (Map<String, Object>) o;
        if (fits(value, option)) {
          return;
        }
        if (option.get("type") instanceof String t && hasType(value, t)) {
          sameType = option;
          sameTypes++;
        }
      }
      if (sameTypes == 1) {
        check(value, sameType, path, what); // names the part at fault: 'data[0][1]'
      }
      throw Errors.invalid(
          "Cannot read %s: '%s' must be %s, got %s", what, path, describe(schema), shown(value));
    }
    String type = (String) schema.get("type");
    if (type != null && !hasType(value, type)) {
      throw Errors.invalid(
          "Cannot read %s: '%s' must be %s, got %s", what, path, describe(schema), shown(value));
    }
    if (schema.get("minimum") instanceof Number min
        && ((Number) value).doubleValue() < min.doubleValue()) {
      throw Errors.invalid(
          "Cannot read %s: '%s' must be at least %s, got %s", what, path, min, shown(value));
    }
    if (value instanceof List<?> list) {
      if (schema.get("minItems") instanceof Number n && list.size() < n.intValue()) {
        throw Errors.invalid("Cannot read %s: '%s' must hold at least %s item(s)", what, path, n);
      }
      if (schema.get("items") instanceof Map<?, ?> items) {
        for (int i = 0; i < list.size(); i++) {
          check(list.get(i), (Map<String, Object>) items, path + "[" + i + "]", what);
        }
      }
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> props = (Map<String, Object>) schema.getOrDefault("properties", Map.of());
      Object additional = schema.get("additionalProperties");
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String sub = path.isEmpty() ? key : path + "." + key;
        if (props.containsKey(key)) {
          if (e.getValue() != null) {
            check(e.getValue(), (Map<String, Object>) props.get(key), sub, what);
          }
        } else if (Boolean.FALSE.equals(additional)) {
          throw unknownKey(key, props.keySet(), path, what);
        } else if (additional instanceof Map<?, ?> a && e.getValue() != null) {
          check(e.getValue(), (Map<String, Object>) a, sub, what);
        }
      }
      if (schema.get("required") instanceof List<?> required) {
        for (Object r : required) {
          if (map.get(r) == null) {
            String sub = path.isEmpty() ? r.toString() : path + "." + r;
            throw Errors.invalid("Cannot read %s: '%s' is required", what, sub);
          }
        }
      }
    }
  }

  /** Whether {@code value} fits {@code schema}. */
  static boolean fits(Object value, Map<String, Object> schema) {
    try {
      check(value, schema, "", "");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  static RuntimeException unknownKey(String key, Set<String> known, String path, String what) {
    String close = RequestKeys.closest(key, known);
    String shown = key.length() <= 64 ? key : key.substring(0, 64) + "...";
    return Errors.invalid(
        "Cannot read %s: unknown key '%s'%s; %s",
        what,
        shown.replaceAll("[^\\x20-\\x7e]", "?"),
        path.isEmpty() ? "" : " in '" + path + "'",
        close != null ? "did you mean '" + close + "'?" : "known keys are " + new TreeSet<>(known));
  }

  private static boolean hasType(Object v, String type) {
    return switch (type) {
      case "string" -> v instanceof String;
      case "integer" ->
          (v instanceof Integer || v instanceof Long || v instanceof java.math.BigInteger)
              || (v instanceof Number n
                  && Double.isFinite(n.doubleValue())
                  && n.doubleValue() == Math.rint(n.doubleValue())
                  && Math.abs(n.doubleValue()) < 9.0e15);
      case "number" -> v instanceof Number;
      case "boolean" -> v instanceof Boolean;
      case "array" -> v instanceof List;
      case "object" -> v instanceof Map;
      default -> true;
    };
  }

  @SuppressWarnings("unchecked")
  private static String describe(Map<String, Object> schema) {
    if (schema.get("oneOf") instanceof List<?> options) {
      StringBuilder b = new StringBuilder();
      for (Object o : options) {
        b.append(b.length() == 0 ? "" : " or ").append(describe((Map<String, Object>) o));
      }
      return b.toString();
    }
    String type = String.valueOf(schema.get("type"));
    if (type.equals("array") && schema.get("items") instanceof Map<?, ?> items) {
      return "a list of " + describe((Map<String, Object>) items).replaceFirst("^an? ", "") + "s";
    }
    return switch (type) {
      case "integer" -> "an integer";
      case "object" -> "an object";
      case "array" -> "a list";
      default -> "a " + type;
    };
  }

  private static String shown(Object v) {
    String s = v instanceof String ? "'" + v + "'" : String.valueOf(v);
    s = s.length() <= 60 ? s : s.substring(0, 60) + "...";
    return s.replaceAll("[^\\x20-\\x7e]", "?");
  }
}
