package io.lakebeam.flight;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.write.KeyedCommit;
import java.nio.ByteBuffer;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Writes the batches of a {@code DoPut} into a collection as one atomic commit. With a write id
 * (from the request's idempotency key) the commit records it, and a write id that is already
 * committed makes the put a no-op that returns the first commit's result.
 */
final class Inserts {
  private Inserts() {}

  /** The batches of one insert: a {@code DoPut} stream, or rows a REST call sent. */
  interface Batches {
    /** The root each {@link #next()} loads a batch into. */
    VectorSchemaRoot root();

    /** Loads the next batch into {@link #root()}; false when there is none. */
    boolean next();

    static Batches of(FlightStream stream) {
      return new Batches() {
        @Override
        public VectorSchemaRoot root() {
          return stream.getRoot();
        }

        @Override
        public boolean next() {
          return stream.next();
        }
      };
    }
  }

  static Map<String, Object> write(Collection c, Batches stream, String writeId) {
    if (writeId != null) {
      Snapshot landed = KeyedCommit.findWrite(c.table(), writeId);
      if (landed != null) {
        while (stream.next()) {
          // drain the retried batches; they are already committed
        }
        return committed(landed);
      }
    }
    try (CollectionWriter writer = c.newWriter()) {
      VectorSchemaRoot root = stream.root();
      for (var f : root.getSchema().getFields()) {
        if (c.schema().findField(f.getName()) == null) {
          throw LakebeamException.invalid(
              "Cannot insert into '%s': it has no column '%s'; its columns are %s",
              c.name(),
              f.getName(),
              c.schema().columns().stream().map(Types.NestedField::name).toList());
        }
      }
      while (stream.next()) {
        List<FieldVector> vectors = root.getFieldVectors();
        for (int row = 0; row < root.getRowCount(); row++) {
          GenericRecord r = GenericRecord.create(c.schema());
          for (FieldVector v : vectors) {
            Types.NestedField field = c.schema().findField(v.getName());
            r.setField(v.getName(), convert(v, row, field.type(), writer.rows()));
          }
          writer.write(r);
        }
      }
      if (writeId != null) {
        return commitOnce(c, writer, writeId);
      }
      long snapshot = writer.commit();
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("rows", writer.rows());
      out.put("snapshot_id", snapshot);
      out.put("data_files", writer.dataFiles());
      return out;
    }
  }

  private static Map<String, Object> commitOnce(
      Collection c, CollectionWriter writer, String writeId) {
    if (writer.rows() == 0) {
      return result(0, c.snapshotId(), 0);
    }
    List<DataFile> files = writer.finishFiles();
    KeyedCommit.Result r = KeyedCommit.into(c).commit(writeId, files);
    if (!r.alreadyCommitted()) {
      return result(writer.rows(), r.snapshotId(), files.size());
    }
    for (DataFile f : files) { // a concurrent retry won: these files were never committed
      c.table().io().deleteFile(f.path().toString());
    }
    return committed(c.table().snapshot(r.snapshotId()));
  }

  /** The result of the insert that committed {@code s}, from its snapshot summary. */
  private static Map<String, Object> committed(Snapshot s) {
    Map<String, String> summary = s.summary();
    return result(
        Long.parseLong(summary.getOrDefault("added-records", "0")),
        s.snapshotId(),
        Integer.parseInt(summary.getOrDefault("added-data-files", "0")));
  }

  private static Map<String, Object> result(long rows, long snapshotId, int dataFiles) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rows", rows);
    out.put("snapshot_id", snapshotId);
    out.put("data_files", dataFiles);
    return out;
  }

  /** Converts one Arrow value; {@code rowNumber} (in the whole put) names the row on failure. */
  private static Object convert(FieldVector v, int row, Type type, long rowNumber) {
    try {
      return convert(v, row, type);
    } catch (ClassCastException | ArithmeticException | DateTimeException e) {
      throw LakebeamException.invalid(
          "Cannot insert row %d: column '%s' is %s and cannot take Arrow %s value %s",
          rowNumber, v.getName(), type, v.getField().getType(), v.getObject(row));
    }
  }

  private static Object convert(FieldVector v, int row, Type type) {
    if (v.isNull(row)) {
      return null;
    }
    if (v instanceof TimeStampVector ts) {
      long raw = ts.get(row);
      long micros =
          switch (((org.apache.arrow.vector.types.pojo.ArrowType.Timestamp) v.getField().getType())
              .getUnit()) {
            case SECOND -> raw * 1_000_000L;
            case MILLISECOND -> raw * 1_000L;
            case MICROSECOND -> raw;
            case NANOSECOND -> raw / 1_000L;
          };
      return ((Types.TimestampType) asTimestamp(type, v)).shouldAdjustToUTC()
          ? DateTimeUtil.timestamptzFromMicros(micros)
          : DateTimeUtil.timestampFromMicros(micros);
    }
    if (v instanceof DateDayVector d) {
      return LocalDate.ofEpochDay(d.get(row));
    }
    Object o = v.getObject(row);
    switch (type.typeId()) {
      case STRING:
        return o instanceof Text t ? t.toString() : o.toString();
      case INTEGER:
        return Math.toIntExact(integral(o));
      case LONG:
        return integral(o);
      case FLOAT:
        return ((Number) o).floatValue();
      case DOUBLE:
        return ((Number) o).doubleValue();
      case BOOLEAN:
        return (Boolean) o;
      case BINARY:
        return ByteBuffer.wrap((byte[]) o);
      case TIMESTAMP:
        if (o instanceof LocalDateTime ldt) {
          return ldt;
        }
        return LocalDateTime.ofInstant(Instant.parse(o.toString()), ZoneOffset.UTC);
      case LIST:
        List<Float> floats = new ArrayList<>();
        for (Object x : (List<?>) o) {
          floats.add(x == null ? null : ((Number) x).floatValue());
        }
        return floats;
      default:
        throw LakebeamException.invalid(
            "Cannot insert values into column '%s' of type %s", v.getName(), type);
    }
  }

  /** An integer-valued Arrow value; a fraction or text is a ClassCastException. */
  private static long integral(Object o) {
    if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    throw new ClassCastException(o.getClass().getName() + " is not an integer");
  }

  private static Type asTimestamp(Type type, FieldVector v) {
    if (!(type instanceof Types.TimestampType)) {
      throw LakebeamException.invalid(
          "Cannot insert timestamps into column '%s' of type %s", v.getName(), type);
    }
    return type;
  }
}
