package io.lakebeam.core.filter;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * Extracts the values at a fixed set of JSON paths from one column value in one pass. A JSON string
 * is read with a streaming parser that skips every subtree no path enters (only the values at the
 * paths are built); struct, map and list values are walked along the paths. Not thread-safe: one
 * reader per row matcher.
 */
final class JsonPathReader {
  private static final JsonFactory JSON = new JsonFactory();

  /** A trie of the paths: which paths end here, and the steps that lead on. */
  private static final class Node {
    final List<Integer> ends = new ArrayList<>();
    final Map<Object, Node> next = new HashMap<>();
  }

  private final Node root = new Node();
  private final int size;

  JsonPathReader(List<JsonPath> paths) {
    this.size = paths.size();
    for (int i = 0; i < paths.size(); i++) {
      Node n = root;
      for (Object step : paths.get(i).steps()) {
        n = n.next.computeIfAbsent(step, s -> new Node());
      }
      n.ends.add(i);
    }
  }

  /** Fills {@code out[i]} with the value at path i, or null where it is missing. */
  void read(Object value, Type type, Object[] out) {
    java.util.Arrays.fill(out, 0, size, null);
    if (value == null) {
      return;
    }
    if (value instanceof CharSequence s && type.typeId() == Type.TypeID.STRING) {
      try (JsonParser p = JSON.createParser(s.toString())) {
        if (p.nextToken() != null) {
          read(p, root, out);
        }
      } catch (IOException e) {
        java.util.Arrays.fill(out, 0, size, null); // malformed JSON: every path is missing
      }
      return;
    }
    walk(normalise(value, type), root, out);
  }

  private static void read(JsonParser p, Node node, Object[] out) throws IOException {
    if (!node.ends.isEmpty()) {
      Object v = materialise(p);
      walk(v, node, out);
      return;
    }
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        Node child = node.next.get(p.currentName());
        p.nextToken();
        if (child == null) {
          p.skipChildren();
        } else {
          read(p, child, out);
        }
      }
    } else if (t == JsonToken.START_ARRAY) {
      int index = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        Node child = node.next.get(index++);
        if (child == null) {
          p.skipChildren();
        } else {
          read(p, child, out);
        }
      }
    }
    // a scalar where the path goes deeper: the path is missing
  }

  /** Sets the paths ending at {@code node} to {@code v} and follows the longer ones into it. */
  private static void walk(Object v, Node node, Object[] out) {
    for (int end : node.ends) {
      out[end] = v;
    }
    for (Map.Entry<Object, Node> e : node.next.entrySet()) {
      Object child = null;
      if (e.getKey() instanceof String key && v instanceof Map<?, ?> m) {
        child = m.get(key);
      } else if (e.getKey() instanceof Integer i && v instanceof List<?> l && i < l.size()) {
        child = l.get(i);
      }
      if (child != null) {
        walk(child, e.getValue(), out);
      }
    }
  }

  private static Object materialise(JsonParser p) throws IOException {
    switch (p.currentToken()) {
      case START_OBJECT:
        Map<String, Object> m = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          m.put(name, materialise(p));
        }
        return m;
      case START_ARRAY:
        List<Object> l = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          l.add(materialise(p));
        }
        return l;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? (Object) p.getDoubleValue()
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      default:
        return JsonValues.NULL;
    }
  }

  /** An Iceberg value (struct, map, list or scalar) as JSON-like Java values. */
  static Object normalise(Object v, Type type) {
    if (v == null) {
      return JsonValues.NULL;
    }
    if (type instanceof Types.StructType st && v instanceof StructLike s) {
      Map<String, Object> m = new LinkedHashMap<>();
      List<Types.NestedField> fields = st.fields();
      for (int i = 0; i < fields.size(); i++) {
        m.put(fields.get(i).name(), normalise(s.get(i, Object.class), fields.get(i).type()));
      }
      return m;
    }
    if (type instanceof Types.MapType mt && v instanceof Map<?, ?> map) {
      Map<String, Object> m = new LinkedHashMap<>();
      map.forEach((k, x) -> m.put(String.valueOf(k), normalise(x, mt.valueType())));
      return m;
    }
    if (type instanceof Types.ListType lt && v instanceof List<?> list) {
      List<Object> l = new ArrayList<>(list.size());
      list.forEach(x -> l.add(normalise(x, lt.elementType())));
      return l;
    }
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    if (v instanceof Boolean) {
      return v;
    }
    if (v instanceof ByteBuffer) {
      return JsonValues.NULL; // binary has no JSON form
    }
    return v.toString();
  }
}
