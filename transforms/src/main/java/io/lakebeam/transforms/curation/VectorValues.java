package io.lakebeam.transforms.curation;

import io.lakebeam.transforms.lake.VectorOptions;
import java.util.Collection;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.beam.sdk.values.Row;

/** Reads a vector field of a row as a float array, rejecting values no algorithm can use. */
final class VectorValues {
  private VectorValues() {}

  /** Fails before the run unless {@code field} is an ARRAY&lt;FLOAT&gt; field of {@code schema}. */
  static int checkField(Schema schema, String field, String what) {
    if (!schema.hasField(field)
        || schema.getField(field).getType().getTypeName() != TypeName.ARRAY
        || schema.getField(field).getType().getCollectionElementType().getTypeName()
            != TypeName.FLOAT) {
      throw new IllegalArgumentException(
          String.format(
              "Cannot %s on '%s': the rows have no vector (ARRAY<FLOAT>) field of that name;"
                  + " fields: %s",
              what, field, schema.getFieldNames()));
    }
    return VectorOptions.dimension(schema.getField(field));
  }

  /**
   * The vector of {@code row}, checked against {@code dimension} (-1: any) and unit-normalised when
   * asked.
   *
   * @throws IllegalArgumentException naming the problem: null, wrong dimension, NaN or infinite
   */
  static float[] read(Row row, String field, int dimension, boolean normalize) {
    Collection<Float> list = row.getArray(field);
    if (list == null) {
      throw new IllegalArgumentException("vector '" + field + "' is null");
    }
    if (dimension > 0 && list.size() != dimension) {
      throw new IllegalArgumentException(
          String.format(
              "vector '%s' has dimension %d, but the field's is %d",
              field, list.size(), dimension));
    }
    if (list.isEmpty()) {
      throw new IllegalArgumentException("vector '" + field + "' is empty");
    }
    float[] v = new float[list.size()];
    int i = 0;
    for (Float x : list) {
      if (x == null || !Float.isFinite(x)) {
        throw new IllegalArgumentException(
            "vector '" + field + "' holds a null, NaN or infinite element at " + i);
      }
      v[i++] = x;
    }
    if (normalize) {
      VectorMath.normalize(v);
    }
    return v;
  }
}
