package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * A column type as users write it in a schema mapping: {@code string}, {@code int}, {@code long},
 * {@code float}, {@code double}, {@code bool}, {@code timestamp}, {@code date}, {@code binary} or
 * {@code float_vector(d)}, optionally followed by {@code not null}.
 *
 * <p>{@code FieldType.parse("float_vector(384)")} is a 384-dimensional vector, stored as Iceberg
 * {@code list<float>} so that every Iceberg engine can read it.
 */
public final class FieldType {
  public static final int MAX_DIMENSION = 65536;
  private static final Pattern VECTOR = Pattern.compile("float_vector\\s*\\(\\s*(\\d+)\\s*\\)");

  private final String name;
  private final Type icebergType;
  private final int dimension;
  private final boolean required;

  private FieldType(String name, Type icebergType, int dimension, boolean required) {
    this.name = name;
    this.icebergType = icebergType;
    this.dimension = dimension;
    this.required = required;
  }

  public static FieldType parse(String text) {
    if (text == null || text.isBlank()) {
      throw LakebeamException.invalid("Cannot parse an empty type: use e.g. 'string'");
    }
    String t = text.trim().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    boolean required = false;
    if (t.endsWith(" not null")) {
      required = true;
      t = t.substring(0, t.length() - " not null".length()).trim();
    }
    Matcher m = VECTOR.matcher(t);
    if (m.matches()) {
      int dim;
      try {
        dim = Integer.parseInt(m.group(1));
      } catch (NumberFormatException e) {
        dim = -1;
      }
      if (dim < 1 || dim > MAX_DIMENSION) {
        throw LakebeamException.invalid(
            "Cannot use type '%s': the dimension must be between 1 and %d", text, MAX_DIMENSION);
      }
      return new FieldType("float_vector(" + dim + ")", vectorType(), dim, required);
    }
    Type type = scalar(t);
    if (type == null) {
      throw LakebeamException.invalid(
          "Cannot parse type '%s': use string, int, long, float, double, bool, timestamp, date,"
              + " binary or float_vector(d)",
          text);
    }
    return new FieldType(t, type, 0, required);
  }

  private static Type scalar(String t) {
    switch (t) {
      case "string":
      case "str":
      case "varchar":
      case "text":
        return Types.StringType.get();
      case "int":
      case "int32":
      case "integer":
        return Types.IntegerType.get();
      case "long":
      case "int64":
      case "bigint":
        return Types.LongType.get();
      case "float":
      case "float32":
        return Types.FloatType.get();
      case "double":
      case "float64":
        return Types.DoubleType.get();
      case "bool":
      case "boolean":
        return Types.BooleanType.get();
      case "timestamp":
        return Types.TimestampType.withoutZone();
      case "timestamptz":
        return Types.TimestampType.withZone();
      case "date":
        return Types.DateType.get();
      case "binary":
      case "bytes":
        return Types.BinaryType.get();
      default:
        return null;
    }
  }

  /** The Iceberg type of a vector column: {@code list<float>} with required elements. */
  static Type vectorType() {
    // Element id 0 is a placeholder: Iceberg reassigns fresh ids when a schema is created.
    return Types.ListType.ofRequired(0, Types.FloatType.get());
  }

  /** Describes an Iceberg type the way users write it. */
  public static String describe(Type type, int dimension) {
    if (dimension > 0) {
      return "float_vector(" + dimension + ")";
    }
    switch (type.typeId()) {
      case STRING:
        return "string";
      case INTEGER:
        return "int";
      case LONG:
        return "long";
      case FLOAT:
        return "float";
      case DOUBLE:
        return "double";
      case BOOLEAN:
        return "bool";
      case TIMESTAMP:
        return ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamptz" : "timestamp";
      case DATE:
        return "date";
      case BINARY:
      case FIXED:
        return "binary";
      default:
        return type.toString();
    }
  }

  /** Whether an Iceberg type can hold a float vector ({@code list<float>}). */
  public static boolean isVectorCompatible(Type type) {
    return type.isListType() && type.asListType().elementType().typeId() == Type.TypeID.FLOAT;
  }

  public boolean isVector() {
    return dimension > 0;
  }

  public int dimension() {
    return dimension;
  }

  public Type icebergType() {
    return icebergType;
  }

  public boolean required() {
    return required;
  }

  @Override
  public String toString() {
    return required ? name + " not null" : name;
  }
}
