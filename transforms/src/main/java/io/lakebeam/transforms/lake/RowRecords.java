package io.lakebeam.transforms.lake;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.joda.time.ReadableInstant;

/** Converts Beam rows to Iceberg records and back, column by column, matched by name. */
final class RowRecords {
  private RowRecords() {}

  static Record toRecord(Row row, org.apache.iceberg.Schema table) {
    GenericRecord record = GenericRecord.create(table);
    Schema beam = row.getSchema();
    for (Types.NestedField c : table.columns()) {
      if (beam.hasField(c.name())) {
        record.setField(c.name(), toIceberg(row.getValue(c.name()), c.type()));
      }
    }
    return record;
  }

  static Object toIceberg(Object value, Type type) {
    if (value == null) {
      return null;
    }
    return switch (type.typeId()) {
      case INTEGER -> ((Number) value).intValue();
      case LONG -> ((Number) value).longValue();
      case FLOAT -> ((Number) value).floatValue();
      case DOUBLE -> ((Number) value).doubleValue();
      case TIMESTAMP -> {
        Instant instant = Instant.ofEpochMilli(((ReadableInstant) value).getMillis());
        yield ((Types.TimestampType) type).shouldAdjustToUTC()
            ? instant.atOffset(ZoneOffset.UTC)
            : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
      }
      case BINARY -> ByteBuffer.wrap((byte[]) value);
      case LIST -> {
        List<Object> out = new ArrayList<>();
        Type element = type.asListType().elementType();
        for (Object o : (Iterable<?>) value) {
          out.add(toIceberg(o, element));
        }
        yield out;
      }
      default -> value;
    };
  }

  /** A row of {@code beam}, whose last two fields are the row's data file and position. */
  static Row toRow(Record record, Schema beam, String file, long pos) {
    Row.Builder b = Row.withSchema(beam);
    int columns = beam.getFieldCount() - 2;
    for (int i = 0; i < columns; i++) {
      Schema.Field f = beam.getField(i);
      b.addValue(toBeam(record.getField(f.getName()), f.getType()));
    }
    return b.addValues(file, pos).build();
  }

  private static Object toBeam(Object value, Schema.FieldType type) {
    if (value == null) {
      return null;
    }
    return switch (type.getTypeName()) {
      case DATETIME -> {
        long millis =
            value instanceof OffsetDateTime odt
                ? odt.toInstant().toEpochMilli()
                : ((LocalDateTime) value).toInstant(ZoneOffset.UTC).toEpochMilli();
        yield new org.joda.time.Instant(millis);
      }
      case BYTES -> {
        ByteBuffer buf = ((ByteBuffer) value).duplicate();
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        yield bytes;
      }
      case INT32 -> value instanceof java.time.LocalDate d ? (int) d.toEpochDay() : value;
      case ARRAY -> {
        List<Object> out = new ArrayList<>();
        for (Object o : (Iterable<?>) value) {
          out.add(toBeam(o, type.getCollectionElementType()));
        }
        yield out;
      }
      default -> value;
    };
  }
}
