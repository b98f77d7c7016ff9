package io.lakebeam.core.filter;

import java.util.List;

/**
 * A path into a JSON value: object keys ({@link String}) and array indexes ({@link Integer}), as
 * written {@code meta["a"]["tags"][0]}. The empty path is the whole value.
 */
record JsonPath(List<Object> steps) {
  JsonPath {
    steps = List.copyOf(steps);
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Object s : steps) {
      b.append(s instanceof String k ? "[\"" + k.replace("\"", "\"\"") + "\"]" : "[" + s + "]");
    }
    return b.toString();
  }
}
