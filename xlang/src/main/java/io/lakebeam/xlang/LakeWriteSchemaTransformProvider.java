package io.lakebeam.xlang;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.transforms.lake.Lake;
import io.lakebeam.transforms.lake.LakeWrite;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.transforms.SchemaTransform;
import org.apache.beam.sdk.values.PCollectionRowTuple;

/**
 * {@code beam:schematransform:org.lakebeam:lake_write:v1}: {@link Lake#write} for Python and YAML;
 * the output is one summary row per commit.
 *
 * <pre>{@code
 * - type: LakebeamWrite
 *   config: {lakehouse: /data/lakehouse, collection: docs.chunks, replace_key: doc_id}
 * }</pre>
 */
public final class LakeWriteSchemaTransformProvider extends LakebeamSchemaTransformProvider {
  static final String REPLACE_KEY = "replace_key";
  static final String METRIC = "metric";
  static final String ROWS_PER_FILE = "rows_per_file";
  static final String WRITE_ID = "write_id";
  static final String BATCHING = "batching";

  /** {@link LakeWrite#withBundleBatching()}: the default here (portable runners). */
  static final String BUNDLE = "bundle";

  /** {@code GroupIntoBatches}, the Java default (needs stateful DoFns with timers). */
  static final String GROUP_INTO_BATCHES = "group_into_batches";

  public LakeWriteSchemaTransformProvider() {
    super("lake_write");
  }

  @Override
  public String description() {
    return "Writes rows into a Lakebeam collection in one atomic Iceberg commit.";
  }

  @Override
  public Schema configurationSchema() {
    return Schema.builder()
        .addField(requiredLakehouse())
        .addField(requiredCollection("Collection to write, created if missing."))
        .addField(
            optional(
                REPLACE_KEY,
                FieldType.STRING,
                "Rows replace existing rows with the same value. Default: append."))
        .addField(
            optional(
                METRIC,
                FieldType.STRING,
                "Vector metric when the collection is created. Default cosine."))
        .addField(
            optional(ROWS_PER_FILE, FieldType.INT32, "Most rows per data file. Default 20000."))
        .addField(
            optional(
                WRITE_ID,
                FieldType.STRING,
                "Names the commit; a rerun with a committed id commits nothing."))
        .addField(
            optional(
                BATCHING,
                FieldType.STRING,
                "How rows become data files: bundle (a file every rows_per_file rows of a"
                    + " bundle and at its end; runs on Python's FnApiRunner) or"
                    + " group_into_batches (needs stateful DoFns with timers). Default"
                    + " bundle."))
        .build();
  }

  @Override
  protected SchemaTransform build(Config config) {
    Lakehouse lake = config.lakehouse(LAKEHOUSE);
    LakeWrite write = Lake.write(lake, config.requiredString(COLLECTION));
    if (config.has(REPLACE_KEY)) {
      write = write.withReplaceKey(config.string(REPLACE_KEY, null));
    }
    if (config.has(METRIC)) {
      write = write.withMetric(Metric.parse(config.string(METRIC, null)));
    }
    if (config.has(ROWS_PER_FILE)) {
      write = write.withRowsPerFile(config.integer(ROWS_PER_FILE, 0));
    }
    if (config.has(WRITE_ID)) {
      write = write.withWriteId(config.string(WRITE_ID, null));
    }
    String batching = config.string(BATCHING, BUNDLE);
    checkArgument(
        batching.equals(BUNDLE) || batching.equals(GROUP_INTO_BATCHES),
        "Cannot expand %s: option '%s' is '%s'; use %s or %s",
        identifier(),
        BATCHING,
        batching,
        BUNDLE,
        GROUP_INTO_BATCHES);
    if (batching.equals(BUNDLE)) {
      write = write.withBundleBatching();
    }
    LakeWrite transform = write;
    return new SchemaTransform() {
      @Override
      public PCollectionRowTuple expand(PCollectionRowTuple input) {
        return PCollectionRowTuple.of(OUTPUT, input.get(INPUT).apply("Write to lake", transform));
      }
    };
  }
}
