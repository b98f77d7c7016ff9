package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Parses {@code text=string,embedding=float_vector(384)} into an ordered schema mapping. */
final class SchemaOption {
  private SchemaOption() {}

  static Map<String, String> parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    int depth = 0;
    StringBuilder cur = new StringBuilder();
    for (char c : (spec + ",").toCharArray()) {
      if (c == '(') {
        depth++;
      } else if (c == ')') {
        depth--;
      }
      if (c == ',' && depth == 0) {
        String item = cur.toString().trim();
        cur.setLength(0);
        if (item.isEmpty()) {
          continue;
        }
        int eq = item.indexOf('=');
        if (eq <= 0) {
          throw LakebeamException.invalid(
              "Cannot parse schema item '%s': write name=type, e.g. embedding=float_vector(384)",
              item);
        }
        out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
      } else {
        cur.append(c);
      }
    }
    return out;
  }
}
