package io.lakebeam.xlang;

import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.LakeRead;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;

/**
 * {@code beam:schematransform:org.lakebeam:lake_read:v1}: {@link Lake#read} for Python and YAML. No
 * input; the output rows also carry {@code lakebeam_file} and {@code lakebeam_pos} (what
 * lake_write_back and the curation transforms need; Java's {@code _file}/{@code _pos}, renamed
 * because Python row types cannot start a field with an underscore).
 *
 * <pre>{@code
 * - type: LakebeamRead
 *   config: {lakehouse: /data/lakehouse, collection: kb.chunks, columns: [chunk_id, embedding]}
 * }</pre>
 */
public final class LakeReadSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String COLUMNS = "columns";

  public LakeReadSchemaTransformProvider() {
    super("lake_read", Input.NONE);
  }

  @Override
  public String description() {
    return "Reads the rows of a Lakebeam collection at its current snapshot.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(requiredLakehouse())
        .addField(requiredCollection("Collection to read."))
        .addField(
            optional(
                COLUMNS, FieldType.array(FieldType.STRING), "Columns to read. Default: every one."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    String collection = config.requiredString(COLLECTION);
    LakeRead read = Lake.read(config.lakehouse(LAKEHOUSE), collection);
    List<String> columns = config.strings(COLUMNS);
    if (!columns.isEmpty()) {
      read = read.withColumns(columns.toArray(String[]::new));
    }
    LakeRead transform = read;
    return producing(
        pipeline ->
            PortableRowPositions.toPortable(pipeline.apply("Read " + collection, transform)));
  }
}
