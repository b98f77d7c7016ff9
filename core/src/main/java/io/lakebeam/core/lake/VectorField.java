package io.lakebeam.core.lake;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A vector column of a collection: its name, dimension, metric and the model that produced it.
 * Recorded in the Iceberg table's properties as {@code lakebeam.vector.<name>.dimension}, {@code
 * .metric} and {@code .model}, so any engine sees what the column means.
 */
public record VectorField(String name, int dimension, Metric metric, String model) {
  static final String PREFIX = "lakebeam.vector.";

  /** The table properties that record this field. */
  public Map<String, String> toProperties() {
    Map<String, String> props = new HashMap<>();
    props.put(PREFIX + name + ".dimension", Integer.toString(dimension));
    props.put(PREFIX + name + ".metric", metric.wireName());
    if (model != null) {
      props.put(PREFIX + name + ".model", model);
    }
    return props;
  }

  /** Reads every vector field recorded in a table's properties, in name order. */
  public static Map<String, VectorField> fromProperties(Map<String, String> props) {
    Map<String, VectorField> fields = new LinkedHashMap<>();
    props.keySet().stream()
        .filter(k -> k.startsWith(PREFIX) && k.endsWith(".dimension"))
        .sorted()
        .forEach(
            k -> {
              String name = k.substring(PREFIX.length(), k.length() - ".dimension".length());
              int dim = Integer.parseInt(props.get(k));
              Metric metric = Metric.parse(props.getOrDefault(PREFIX + name + ".metric", "cosine"));
              fields.put(
                  name, new VectorField(name, dim, metric, props.get(PREFIX + name + ".model")));
            });
    return fields;
  }
}
