package io.lakebeam.xlang;

import io.lakebeam.transforms.lake.Lake;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:lake_write_back:v1}: {@link Lake#writeBackColumns} for
 * Python and YAML: the computed fields of rows read with lake_read become columns of the same
 * table, in one commit; the output is one summary row.
 *
 * <pre>{@code
 * - type: LakebeamWriteBack
 *   config: {lakehouse: /data/lakehouse, collection: kb.chunks}
 * }</pre>
 */
public final class LakeWriteBackSchemaTransformProvider extends LakebeamSchemaTransformProvider {

  public LakeWriteBackSchemaTransformProvider() {
    super("lake_write_back");
  }

  @Override
  public String description() {
    return "Writes computed fields back as columns of the collection the rows were read from.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(requiredLakehouse())
        .addField(requiredCollection("Collection the rows were read from (lake_read)."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    return applying(
        "Write columns back",
        Lake.writeBackColumns(config.lakehouse(LAKEHOUSE), config.requiredString(COLLECTION)));
  }
}
