package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import java.io.Serializable;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.schemas.Schema;

/**
 * A collection in a lakehouse, as workers see it: the lakehouse's configuration (serializable) and
 * the collection's name. Each worker JVM opens one {@link Lakehouse} per configuration and shares
 * it across threads and bundles.
 */
public final class LakeTarget implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final ConcurrentHashMap<Map<String, String>, Lakehouse> OPEN =
      new ConcurrentHashMap<>();

  private final TreeMap<String, String> properties;
  private final String collection;

  private LakeTarget(Map<String, String> properties, String collection) {
    this.properties = new TreeMap<>(properties);
    this.collection = collection;
  }

  /** The collection {@code collection} of {@code lakehouse}. */
  public static LakeTarget of(Lakehouse lakehouse, String collection) {
    return new LakeTarget(lakehouse.config().properties(), collection);
  }

  /** The collection's name, e.g. {@code corpus.chunks}. */
  public String collection() {
    return collection;
  }

  /** The worker-wide lakehouse for this configuration. */
  public Lakehouse lakehouse() {
    return OPEN.computeIfAbsent(properties, p -> Lakehouse.open(LakehouseConfig.of(p)));
  }

  /** Loads the collection's current metadata. */
  public Collection load() {
    return lakehouse().collection(collection).refreshMetadata();
  }

  /** Schema option naming the collection rows were read from (set by {@link Lake#read}). */
  public static final String SOURCE_COLLECTION = "lakebeam.source.collection";

  /** Schema option holding the source lakehouse's configuration (set by {@link Lake#read}). */
  public static final String SOURCE_LAKEHOUSE = "lakebeam.source.lakehouse";

  /** Schema options that record this collection as the rows' source. */
  public Schema.Options toSchemaOptions() {
    StringBuilder encoded = new StringBuilder();
    properties.forEach(
        (k, v) ->
            encoded
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8))
                .append('&'));
    return Schema.Options.builder()
        .setOption(SOURCE_COLLECTION, Schema.FieldType.STRING, collection)
        .setOption(SOURCE_LAKEHOUSE, Schema.FieldType.STRING, encoded.toString())
        .build();
  }

  /** The collection rows of {@code schema} were read from, or null when unknown. */
  public static LakeTarget sourceOf(Schema schema) {
    Schema.Options options = schema.getOptions();
    if (!options.hasOption(SOURCE_COLLECTION) || !options.hasOption(SOURCE_LAKEHOUSE)) {
      return null;
    }
    Map<String, String> props = new TreeMap<>();
    for (String pair : options.<String>getValue(SOURCE_LAKEHOUSE).split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        props.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return new LakeTarget(props, options.getValue(SOURCE_COLLECTION));
  }

  @Override
  public String toString() {
    return collection + " in " + properties.get(LakehouseConfig.WAREHOUSE);
  }
}
