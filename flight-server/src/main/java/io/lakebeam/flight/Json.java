package io.lakebeam.flight;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** JSON bodies of tickets, commands and actions, with typed accessors that fail clearly. */
final class Json {
  static final ObjectMapper MAPPER =
      new ObjectMapper()
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  // resolved once: a TypeReference per call cost a type resolution per request
  private static final ObjectReader MAP_READER =
      MAPPER.readerFor(new TypeReference<LinkedHashMap<String, Object>>() {});

  private final Map<String, Object> map;
  private final String what;

  private Json(Map<String, Object> map, String what) {
    this.map = map;
    this.what = what;
  }

  static Json parse(byte[] body, String what) {
    if (body == null || body.length == 0) {
      return new Json(new LinkedHashMap<>(), what);
    }
    try {
      Map<String, Object> m = MAP_READER.readValue(body);
      if (m == null) {
        m = new LinkedHashMap<>();
      }
      Object v = m.get("v");
      if (v != null && !(v instanceof Number n && n.doubleValue() == 1.0)) {
        throw Errors.invalid(
            "Cannot read %s: protocol version %s is not supported; this server speaks v=1",
            what, v);
      }
      return new Json(m, what);
    } catch (IOException e) {
      String text =
          new String(body, 0, Math.min(body.length, 80), StandardCharsets.UTF_8)
              .replaceAll("[^\\x20-\\x7e]", "?");
      throw Errors.invalid(
          "Cannot read %s: it is not a JSON object (%s); starts with '%s'. See docs/flight-protocol.md",
          what, e.getMessage().split("\n")[0], text);
    }
  }

  static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  Map<String, Object> map() {
    return map;
  }

  /**
   * This request with every key checked against {@code allowed}: an unknown key fails with {@code
   * INVALID_ARGUMENT} naming the closest known key.
   */
  Json allowOnly(java.util.Set<String> allowed) {
    for (String key : map.keySet()) {
      if (!allowed.contains(key)) {
        String close = RequestKeys.closest(key, allowed);
        String shown = key.length() <= 64 ? key : key.substring(0, 64) + "...";
        throw Errors.invalid(
            "Cannot read %s: unknown key '%s'; %s",
            what,
            shown.replaceAll("[^\\x20-\\x7e]", "?"),
            close != null
                ? "did you mean '" + close + "'?"
                : "known keys are " + new java.util.TreeSet<>(allowed));
      }
    }
    return this;
  }

  boolean has(String key) {
    return map.get(key) != null;
  }

  String string(String key) {
    Object v = map.get(key);
    if (v == null) {
      throw Errors.invalid("Cannot read %s: '%s' is required", what, key);
    }
    if (!(v instanceof String s)) {
      throw Errors.invalid("Cannot read %s: '%s' must be a string, got %s", what, key, v);
    }
    return s;
  }

  String optString(String key) {
    return has(key) ? string(key) : null;
  }

  int optInt(String key, int def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && n.doubleValue() >= Integer.MIN_VALUE
        && n.doubleValue() <= Integer.MAX_VALUE) {
      return n.intValue();
    }
    throw Errors.invalid("Cannot read %s: '%s' must be an integer, got %s", what, key, v);
  }

  long optLong(String key, long def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Integer || v instanceof Long) {
      return ((Number) v).longValue();
    }
    throw Errors.invalid("Cannot read %s: '%s' must be an integer, got %s", what, key, v);
  }

  boolean optBool(String key, boolean def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw Errors.invalid("Cannot read %s: '%s' must be true or false, got %s", what, key, v);
  }

  List<String> optStrings(String key) {
    Object v = map.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> list)) {
      throw Errors.invalid("Cannot read %s: '%s' must be a list of strings", what, key);
    }
    List<String> out = new ArrayList<>();
    for (Object o : list) {
      if (!(o instanceof String s)) {
        throw Errors.invalid("Cannot read %s: '%s' must hold strings, got %s", what, key, o);
      }
      out.add(s);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  Map<String, String> optStringMap(String key) {
    Object v = map.get(key);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map<?, ?> m)) {
      throw Errors.invalid(
          "Cannot read %s: '%s' must be an object such as {\"text\": \"string\"}", what, key);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : m.entrySet()) {
      if (!(e.getValue() instanceof String s)) {
        throw Errors.invalid(
            "Cannot read %s: type of '%s' must be a string, got %s",
            what, e.getKey(), e.getValue());
      }
      out.put(e.getKey().toString(), s);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> optObject(String key) {
    Object v = map.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map<?, ?>)) {
      throw Errors.invalid("Cannot read %s: '%s' must be an object", what, key);
    }
    return (Map<String, Object>) v;
  }

  /**
   * Query vectors packed as base64 of little-endian float32 values, row after row, with their
   * dimension in {@code dimKey}: compact and quick to encode for clients that hold arrays.
   */
  float[][] packedVectors(String key, String dimKey) {
    int dim = optInt(dimKey, 0);
    if (dim < 1) {
      throw Errors.invalid(
          "Cannot read %s: '%s' needs '%s', the dimension of each vector", what, key, dimKey);
    }
    byte[] bytes;
    try {
      bytes = java.util.Base64.getDecoder().decode(string(key));
    } catch (IllegalArgumentException e) {
      throw Errors.invalid("Cannot read %s: '%s' is not base64 (%s)", what, key, e.getMessage());
    }
    if (bytes.length == 0 || bytes.length % (4 * dim) != 0) {
      throw Errors.invalid(
          "Cannot read %s: '%s' holds %d bytes, not a whole number of %d-d float32 vectors",
          what, key, bytes.length, dim);
    }
    java.nio.FloatBuffer floats =
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    float[][] out = new float[bytes.length / (4 * dim)][dim];
    for (int i = 0; i < out.length; i++) {
      floats.get(out[i]);
      for (int j = 0; j < dim; j++) {
        if (!Float.isFinite(out[i][j])) {
          throw Errors.invalid("Cannot read %s: element %d of vector %d is not finite", what, j, i);
        }
      }
    }
    return out;
  }

  float[][] vectors(String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> outer) || outer.isEmpty()) {
      throw Errors.invalid(
          "Cannot read %s: '%s' must be a non-empty list of vectors (lists of numbers)", what, key);
    }
    if (!(outer.get(0) instanceof List<?>)) {
      throw Errors.invalid(
          "Cannot read %s: '%s' must be a list of vectors, e.g. [[0.1, 0.2, ...]]", what, key);
    }
    float[][] out = new float[outer.size()][];
    for (int i = 0; i < out.length; i++) {
      if (!(outer.get(i) instanceof List<?> inner) || inner.isEmpty()) {
        throw Errors.invalid(
            "Cannot read %s: vector %d of '%s' is not a non-empty list of numbers", what, i, key);
      }
      float[] f = new float[inner.size()];
      for (int j = 0; j < f.length; j++) {
        if (!(inner.get(j) instanceof Number n) || !Double.isFinite(n.doubleValue())) {
          throw Errors.invalid(
              "Cannot read %s: element %d of vector %d is not a finite number", what, j, i);
        }
        f[j] = n.floatValue();
      }
      out[i] = f;
    }
    return out;
  }

  /** A nested object of a request, read with the same typed accessors. */
  static Json of(Map<String, Object> map, String what) {
    return new Json(map, what);
  }

  /** A list of objects (e.g. the legs of a hybrid search), each as a {@link Json}. */
  @SuppressWarnings("unchecked")
  List<Json> objects(String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      throw Errors.invalid("Cannot read %s: '%s' must be a non-empty list of objects", what, key);
    }
    List<Json> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      if (!(list.get(i) instanceof Map<?, ?> m)) {
        throw Errors.invalid("Cannot read %s: %s[%d] must be an object", what, key, i);
      }
      out.add(new Json((Map<String, Object>) m, key + "[" + i + "] of " + what));
    }
    return out;
  }

  double optDouble(String key, double def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    throw Errors.invalid("Cannot read %s: '%s' must be a number, got %s", what, key, v);
  }

  double[] doubles(String key) {
    Object v = map.get(key);
    if (!(v instanceof List<?> list) || list.isEmpty()) {
      throw Errors.invalid("Cannot read %s: '%s' must be a non-empty list of numbers", what, key);
    }
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      if (!(list.get(i) instanceof Number n)) {
        throw Errors.invalid(
            "Cannot read %s: '%s' must hold numbers, got %s", what, key, list.get(i));
      }
      out[i] = n.doubleValue();
    }
    return out;
  }
}
