package io.lakebeam.transforms.lake;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;

/**
 * Marks a Beam schema field of type {@code ARRAY<FLOAT>} as a vector column: its dimension, and the
 * model that produced it. {@link Lake#write} creates such a field as a Lakebeam vector column
 * (Iceberg {@code list<float>} with dimension and model in the table properties).
 *
 * <pre>{@code
 * Schema.Field embedding =
 *     VectorOptions.field("embedding", 384, "all-MiniLM-L6-v2@onnx-sha256:759c3cd2b7fe");
 * }</pre>
 */
public final class VectorOptions {
  /** Field option holding the vector's dimension (INT32). */
  public static final String DIMENSION = "lakebeam.vector.dimension";

  /** Field option holding the producing model as {@code name@version} (STRING). */
  public static final String MODEL = "lakebeam.vector.model";

  private VectorOptions() {}

  /** A non-null vector field of {@code dimension} floats made by {@code model} (may be null). */
  public static Schema.Field field(String name, int dimension, String model) {
    Schema.Options.Builder options =
        Schema.Options.builder().setOption(DIMENSION, FieldType.INT32, dimension);
    if (model != null) {
      options.setOption(MODEL, FieldType.STRING, model);
    }
    return Schema.Field.of(name, FieldType.array(FieldType.FLOAT)).withOptions(options.build());
  }

  /** The dimension recorded on {@code field}, or -1 if it is not a vector field. */
  public static int dimension(Schema.Field field) {
    return field.getOptions().hasOption(DIMENSION)
        ? field.getOptions().<Integer>getValue(DIMENSION)
        : -1;
  }

  /** The model recorded on {@code field}, or null. */
  public static String model(Schema.Field field) {
    return field.getOptions().hasOption(MODEL) ? field.getOptions().getValue(MODEL) : null;
  }
}
