package io.lakebeam.xlang;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.LakeRead;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.values.PCollectionRowTuple;

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
  static final String LAKEHOUSE = "lakehouse";
  static final String COLLECTION = "collection";
  static final String COLUMNS = "columns";

  public LakeReadSchemaTransformProvider() {
    super("lake_read");
  }

  @Override
  public String description() {
    return "Reads the rows of a Lakebeam collection at its current snapshot.";
  }

  @Override
  public List<String> inputCollectionNames() {
    return List.of();
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(
            required(
                LAKEHOUSE,
                FieldType.STRING,
                "Lakehouse directory or lakehouse.properties file. Required."))
        .addField(required(COLLECTION, FieldType.STRING, "Collection to read. Required."))
        .addField(
            optional(
                COLUMNS, FieldType.array(FieldType.STRING), "Columns to read. Default: every one."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Lakehouse lake = Lakehouse.open(config.requiredString(LAKEHOUSE));
    String collection = config.requiredString(COLLECTION);
    LakeRead read = Lake.read(lake, collection);
    List<String> columns = config.strings(COLUMNS);
    if (!columns.isEmpty()) {
      read = read.withColumns(columns.toArray(String[]::new));
    }
    LakeRead transform = read;
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        return PCollectionRowTuple.of(
            OUTPUT,
            PortableRowPositions.toPortable(
                input.getPipeline().apply("Read " + collection, transform)));
      }
    };
  }
}
