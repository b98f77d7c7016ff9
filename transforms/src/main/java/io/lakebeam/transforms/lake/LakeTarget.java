package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

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

  @Override
  public String toString() {
    return collection + " in " + properties.get(LakehouseConfig.WAREHOUSE);
  }
}
