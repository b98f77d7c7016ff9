package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import org.apache.beam.sdk.schemas.Schema;

/**
 * Creates the collection a write targets when it does not exist, or checks that the rows fit the
 * one that does, before the pipeline runs; records the model of each vector field.
 */
final class TableSetup {
  private TableSetup() {}

  static Collection ensure(Lakehouse lakehouse, String name, Schema rows, Metric metric) {
    Collection collection;
    if (lakehouse.hasCollection(name)) {
      collection = lakehouse.collection(name);
      SchemaMapping.checkWritable(rows, collection);
    } else {
      collection =
          lakehouse.createCollection(name, SchemaMapping.toColumnTypes(rows), metric, true);
    }
    for (Schema.Field f : rows.getFields()) {
      String model = VectorOptions.model(f);
      if (model != null && collection.vectorFields().containsKey(f.getName())) {
        collection.recordVectorModel(f.getName(), model);
      }
    }
    return collection.refreshMetadata();
  }
}
