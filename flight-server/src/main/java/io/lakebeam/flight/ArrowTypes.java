package io.lakebeam.flight;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/** Arrow types for Iceberg columns; vectors are {@code list<float32>}. */
final class ArrowTypes {
  private ArrowTypes() {}

  static Schema schema(List<Types.NestedField> columns) {
    List<Field> fields = new ArrayList<>();
    for (Types.NestedField c : columns) {
      fields.add(field(c.name(), c.type(), c.isOptional()));
    }
    return new Schema(fields);
  }

  static Field field(String name, Type type, boolean nullable) {
    if (type.isListType()) {
      Types.ListType list = type.asListType();
      Field element = field("item", list.elementType(), list.isElementOptional());
      return new Field(
          name, new FieldType(nullable, ArrowType.List.INSTANCE, null), List.of(element));
    }
    return new Field(name, new FieldType(nullable, primitive(type), null), null);
  }

  static ArrowType primitive(Type type) {
    switch (type.typeId()) {
      case BOOLEAN:
        return ArrowType.Bool.INSTANCE;
      case INTEGER:
        return new ArrowType.Int(32, true);
      case LONG:
        return new ArrowType.Int(64, true);
      case FLOAT:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE:
        return new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DATE:
        return new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP:
        return new ArrowType.Timestamp(
            TimeUnit.MICROSECOND, ((Types.TimestampType) type).shouldAdjustToUTC() ? "UTC" : null);
      case BINARY:
      case FIXED:
        return ArrowType.Binary.INSTANCE;
      default:
        return ArrowType.Utf8.INSTANCE;
    }
  }
}
