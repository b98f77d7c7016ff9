package io.lakebeam.transforms.lake;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.schemas.Schema.TypeName;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Maps Beam schemas to Lakebeam column types and back, and checks rows against a table. */
final class SchemaMapping {
  private SchemaMapping() {}

  /** The Lakebeam schema mapping ({@code column -> type}) that creates a table for {@code beam}. */
  static Map<String, String> toColumnTypes(Schema beam) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (Schema.Field f : beam.getFields()) {
      if (RowPositions.isPositionField(f.getName())) {
        continue;
      }
      String type = columnType(f);
      columns.put(f.getName(), f.getType().getNullable() ? type : type + " not null");
    }
    return columns;
  }

  static String columnType(Schema.Field f) {
    FieldType t = f.getType();
    if (t.getTypeName() == TypeName.ARRAY) {
      int dim = VectorOptions.dimension(f);
      if (t.getCollectionElementType().getTypeName() != TypeName.FLOAT || dim < 1) {
        throw LakebeamException.invalid(
            "Cannot write field '%s' (%s): arrays are written as vector columns only; use"
                + " VectorOptions.field(name, dimension, model) for ARRAY<FLOAT>",
            f.getName(), t);
      }
      return "float_vector(" + dim + ")";
    }
    return switch (t.getTypeName()) {
      case STRING -> "string";
      case INT16, INT32, BYTE -> "int";
      case INT64 -> "long";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case BOOLEAN -> "bool";
      case DATETIME -> "timestamptz";
      case BYTES -> "binary";
      default ->
          throw LakebeamException.invalid(
              "Cannot write field '%s': type %s has no Lakebeam column type (use string, int,"
                  + " long, float, double, boolean, datetime, bytes or a vector)",
              f.getName(), t);
    };
  }

  /**
   * Checks that rows of {@code beam} can be written into {@code collection}: every field exists
   * with a compatible type, vector dimensions agree, and every required column is present.
   */
  static void checkWritable(Schema beam, Collection collection) {
    List<String> problems = new ArrayList<>();
    org.apache.iceberg.Schema table = collection.schema();
    Map<String, VectorField> vectors = collection.vectorFields();
    for (Schema.Field f : beam.getFields()) {
      if (RowPositions.isPositionField(f.getName())) {
        continue;
      }
      Types.NestedField column = table.findField(f.getName());
      if (column == null) {
        problems.add("column '" + f.getName() + "' does not exist in the table");
        continue;
      }
      VectorField v = vectors.get(f.getName());
      int dim = VectorOptions.dimension(f);
      if (v != null && dim > 0 && dim != v.dimension()) {
        problems.add(
            "vector '"
                + f.getName()
                + "' has dimension "
                + dim
                + " but the table's has "
                + v.dimension());
      } else if (!compatible(f.getType(), column.type())) {
        problems.add(
            "column '"
                + f.getName()
                + "' is "
                + column.type()
                + " but the rows hold "
                + f.getType().getTypeName());
      }
    }
    for (Types.NestedField c : table.columns()) {
      if (c.isRequired() && !beam.hasField(c.name())) {
        problems.add("required column '" + c.name() + "' is missing from the rows");
      }
    }
    if (!problems.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot write rows into '%s': %s; write to a new collection or change the rows",
          collection.name(), String.join("; ", problems));
    }
  }

  private static boolean compatible(FieldType beam, Type iceberg) {
    return switch (beam.getTypeName()) {
      case STRING -> iceberg.typeId() == Type.TypeID.STRING;
      case INT16, INT32, BYTE ->
          iceberg.typeId() == Type.TypeID.INTEGER || iceberg.typeId() == Type.TypeID.LONG;
      case INT64 -> iceberg.typeId() == Type.TypeID.LONG;
      case FLOAT -> iceberg.typeId() == Type.TypeID.FLOAT || iceberg.typeId() == Type.TypeID.DOUBLE;
      case DOUBLE -> iceberg.typeId() == Type.TypeID.DOUBLE;
      case BOOLEAN -> iceberg.typeId() == Type.TypeID.BOOLEAN;
      case DATETIME -> iceberg.typeId() == Type.TypeID.TIMESTAMP;
      case BYTES -> iceberg.typeId() == Type.TypeID.BINARY;
      case ARRAY -> iceberg.typeId() == Type.TypeID.LIST;
      default -> false;
    };
  }

  /** The Beam schema of rows read from an Iceberg table (vector columns keep their options). */
  static Schema toBeam(org.apache.iceberg.Schema table, Map<String, VectorField> vectors) {
    Schema.Builder b = Schema.builder();
    for (Types.NestedField c : table.columns()) {
      VectorField v = vectors.get(c.name());
      Schema.Field f;
      if (v != null) {
        f = VectorOptions.field(c.name(), v.dimension(), v.model());
      } else {
        f = Schema.Field.of(c.name(), beamType(c));
      }
      b.addField(c.isOptional() ? f.withNullable(true) : f);
    }
    return b.build();
  }

  private static FieldType beamType(Types.NestedField c) {
    return switch (c.type().typeId()) {
      case STRING, UUID -> FieldType.STRING;
      case INTEGER -> FieldType.INT32;
      case LONG -> FieldType.INT64;
      case FLOAT -> FieldType.FLOAT;
      case DOUBLE -> FieldType.DOUBLE;
      case BOOLEAN -> FieldType.BOOLEAN;
      case TIMESTAMP -> FieldType.DATETIME;
      case BINARY, FIXED -> FieldType.BYTES;
      case DATE -> FieldType.INT32;
      case LIST -> {
        Type element = c.type().asListType().elementType();
        yield FieldType.array(
            beamType(Types.NestedField.optional(0, "element", element)).withNullable(false));
      }
      default ->
          throw LakebeamException.invalid(
              "Cannot read column '%s' of type %s into Beam rows", c.name(), c.type());
    };
  }
}
