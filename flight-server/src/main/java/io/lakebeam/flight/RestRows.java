package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The rows of a REST insert ({@code [{"text": "a", "vector": [0.1, ...]}, ...]}) as one Arrow batch
 * in the collection's column types, handed to the same insert code as a Flight {@code DoPut}. A
 * value that does not fit its column fails with {@code INVALID_ARGUMENT} naming it, as {@code
 * data[3].vector}.
 *
 * <pre>{@code
 * Map<String, Object> result = RestRows.insert(service, call, cmd, rows);
 * }</pre>
 */
final class RestRows {
  private RestRows() {}

  static Map<String, Object> insert(
      LakebeamService service, RestCall call, Json cmd, List<Map<String, Object>> rows) {
    String name = cmd.string("collection");
    VectorSchemaRoot[] root = new VectorSchemaRoot[1];
    try {
      Inserts.Batches batches =
          new Inserts.Batches() {
            private boolean sent;

            @Override
            public VectorSchemaRoot root() {
              // built here, after the service checked the caller may write to the collection
              if (root[0] == null) {
                root[0] = build(service, service.collections().get(name), rows);
              }
              return root[0];
            }

            @Override
            public boolean next() {
              root();
              boolean first = !sent;
              sent = true;
              return first;
            }
          };
      return service.insert(call, cmd, batches);
    } finally {
      if (root[0] != null) {
        root[0].close();
      }
    }
  }

  private static VectorSchemaRoot build(
      LakebeamService service, Collection c, List<Map<String, Object>> rows) {
    Set<String> names = new LinkedHashSet<>();
    Set<String> known = new LinkedHashSet<>();
    c.schema().columns().forEach(f -> known.add(f.name()));
    for (int i = 0; i < rows.size(); i++) {
      for (String key : rows.get(i).keySet()) {
        if (!known.contains(key)) {
          throw RestSchema.unknownKey(
              key, known, "data[" + i + "]", "the insert into '" + c.name() + "'");
        }
        names.add(key);
      }
    }
    List<Types.NestedField> fields = new ArrayList<>();
    names.forEach(n -> fields.add(c.schema().findField(n)));
    VectorSchemaRoot root = VectorSchemaRoot.create(ArrowTypes.schema(fields), service.allocator());
    try {
      root.allocateNew();
      for (int i = 0; i < rows.size(); i++) {
        Map<String, Object> row = rows.get(i);
        for (int j = 0; j < fields.size(); j++) {
          Types.NestedField f = fields.get(j);
          Object value = value(row.get(f.name()), f.type(), "data[" + i + "]." + f.name());
          ArrowRows.set(root.getVector(j), i, value);
        }
      }
      root.setRowCount(rows.size());
      return root;
    } catch (RuntimeException e) {
      root.close();
      throw e;
    }
  }

  /** A JSON value as the Java value {@link ArrowRows#set} takes for a column of {@code type}. */
  static Object value(Object v, Type type, String path) {
    if (v == null) {
      return null;
    }
    try {
      switch (type.typeId()) {
        case STRING:
          if (v instanceof String) {
            return v;
          }
          break;
        case INTEGER:
        case LONG:
          if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (type.typeId() == Type.TypeID.LONG || l == (int) l) {
              return l;
            }
          }
          break;
        case FLOAT:
        case DOUBLE:
          if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
          }
          break;
        case BOOLEAN:
          if (v instanceof Boolean) {
            return v;
          }
          break;
        case DATE:
          if (v instanceof String s) {
            return LocalDate.parse(s);
          }
          break;
        case TIMESTAMP:
          if (v instanceof String s) {
            return ((Types.TimestampType) type).shouldAdjustToUTC()
                ? OffsetDateTime.parse(s)
                : LocalDateTime.parse(s);
          }
          break;
        case BINARY:
        case FIXED:
          if (v instanceof String s) {
            return Base64.getDecoder().decode(s);
          }
          break;
        case LIST:
          if (v instanceof List<?> list) {
            for (int k = 0; k < list.size(); k++) {
              Object x = list.get(k);
              if (x != null && !(x instanceof Number n && Double.isFinite(n.doubleValue()))) {
                throw Errors.invalid(
                    "Cannot insert: '%s[%d]' must be a finite number, got %s", path, k, x);
              }
            }
            return list;
          }
          break;
        default:
          break;
      }
    } catch (DateTimeParseException | IllegalArgumentException e) {
      // not a date, timestamp or base64: the type error below says what to send
    }
    String shown = String.valueOf(v);
    throw Errors.invalid(
        "Cannot insert: '%s' must be %s for a column of type %s, got %s",
        path,
        expected(type),
        type,
        (shown.length() > 60 ? shown.substring(0, 60) + "..." : shown)
            .replaceAll("[^\\x20-\\x7e]", "?"));
  }

  private static String expected(Type type) {
    return switch (type.typeId()) {
      case STRING -> "a string";
      case INTEGER, LONG -> "an integer";
      case FLOAT, DOUBLE -> "a finite number";
      case BOOLEAN -> "true or false";
      case DATE -> "an ISO-8601 date string (2024-01-31)";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC()
              ? "an ISO-8601 timestamp with offset (2024-01-31T12:00:00Z)"
              : "an ISO-8601 timestamp (2024-01-31T12:00:00)";
      case BINARY, FIXED -> "a base64 string";
      case LIST -> "a list of numbers";
      default -> "a value of a supported type";
    };
  }
}
