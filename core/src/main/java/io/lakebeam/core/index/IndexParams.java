package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of a jVector graph index.
 *
 * <ul>
 *   <li>{@code m} (default {@value #DEFAULT_M}, 4..128): maximum neighbours per node.
 *   <li>{@code ef_construction} (default {@value #DEFAULT_EF_CONSTRUCTION}, 10..1000): beam width
 *       while building; larger builds slower and searches more accurately.
 *   <li>{@code ef_search} (default {@value #DEFAULT_EF_SEARCH}): default search beam width.
 *   <li>{@code alpha} (default 1.2) and {@code neighbor_overflow} (default 1.2): jVector's
 *       diversity and overflow factors.
 * </ul>
 *
 * <p>{@code IndexParams.fromMap(Map.of("m", 32))} overrides one value and keeps the others.
 */
public record IndexParams(
    int m, int efConstruction, int efSearch, float alpha, float neighborOverflow) {
  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCTION = 100;
  public static final int DEFAULT_EF_SEARCH = 64;

  public IndexParams {
    check(m >= 4 && m <= 128, "m", m, "4..128");
    check(
        efConstruction >= 10 && efConstruction <= 1000,
        "ef_construction",
        efConstruction,
        "10..1000");
    check(efSearch >= 1 && efSearch <= 10000, "ef_search", efSearch, "1..10000");
    check(alpha >= 1.0f && alpha <= 2.0f, "alpha", alpha, "1.0..2.0");
    check(
        neighborOverflow >= 1.0f && neighborOverflow <= 2.0f,
        "neighbor_overflow",
        neighborOverflow,
        "1.0..2.0");
  }

  public static IndexParams defaults() {
    return new IndexParams(DEFAULT_M, DEFAULT_EF_CONSTRUCTION, DEFAULT_EF_SEARCH, 1.2f, 1.2f);
  }

  /**
   * Reads parameters from a JSON-style map; unknown keys are an error that lists the known ones.
   */
  public static IndexParams fromMap(Map<String, ?> map) {
    IndexParams d = defaults();
    if (map == null || map.isEmpty()) {
      return d;
    }
    for (String k : map.keySet()) {
      if (!Map.of("m", 1, "ef_construction", 1, "ef_search", 1, "alpha", 1, "neighbor_overflow", 1)
          .containsKey(k)) {
        throw LakebeamException.invalid(
            "Cannot use index parameter '%s': known parameters are m, ef_construction, ef_search,"
                + " alpha, neighbor_overflow",
            k);
      }
    }
    return new IndexParams(
        intOf(map, "m", d.m()),
        intOf(map, "ef_construction", d.efConstruction()),
        intOf(map, "ef_search", d.efSearch()),
        (float) doubleOf(map, "alpha", d.alpha()),
        (float) doubleOf(map, "neighbor_overflow", d.neighborOverflow()));
  }

  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("m", this.m);
    m.put("ef_construction", efConstruction);
    m.put("ef_search", efSearch);
    m.put("alpha", alpha);
    m.put("neighbor_overflow", neighborOverflow);
    return m;
  }

  private static int intOf(Map<String, ?> map, String key, int def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
      return n.intValue();
    }
    throw LakebeamException.invalid(
        "Cannot use index parameter %s=%s: expected an integer", key, v);
  }

  private static double doubleOf(Map<String, ?> map, String key, double def) {
    Object v = map.get(key);
    if (v == null) {
      return def;
    }
    if (v instanceof Number n) {
      return n.doubleValue();
    }
    throw LakebeamException.invalid("Cannot use index parameter %s=%s: expected a number", key, v);
  }

  private static void check(boolean ok, String name, Object value, String range) {
    if (!ok) {
      throw LakebeamException.invalid(
          "Cannot use index parameter %s=%s: valid range is %s", name, value, range);
    }
  }
}
