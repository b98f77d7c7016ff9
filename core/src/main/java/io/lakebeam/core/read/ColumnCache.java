package io.lakebeam.core.read;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.DateTimeUtil;

/**
 * Column values of data files, loaded on first use and kept in memory up to a byte budget (least
 * recently used first out). Iceberg data files never change, so an entry keyed by file path and
 * column is valid forever: no invalidation is needed when the table moves on.
 *
 * <p>Scalar columns are {@code Object[]} in Iceberg's internal representation (timestamps as
 * microseconds, dates as days); vector columns are {@code float[][]}. Thread-safe.
 */
public final class ColumnCache {
  private final long maxBytes;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long bytes;

  private final LinkedHashMap<String, RowGroupLayout> layouts =
      new LinkedHashMap<>(64, 0.75f, true);

  private record Entry(Object values, long bytes) {}

  /** Values of chosen rows of one file, by column name and row position. */
  public interface Rows {
    Object get(String column, long pos);
  }

  public ColumnCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Returns the requested columns of a file, loading the missing ones in a single pass. */
  public Map<String, Object> columns(Table table, String file, List<String> columns) {
    Map<String, Object> result = new HashMap<>();
    List<String> missing = new ArrayList<>();
    synchronized (this) {
      for (String c : columns) {
        Entry e = entries.get(key(table, file, c));
        if (e != null) {
          result.put(c, e.values());
        } else {
          missing.add(c);
        }
      }
    }
    if (!missing.isEmpty()) {
      Map<String, Object> loaded = load(table, file, missing);
      synchronized (this) {
        loaded.forEach(
            (c, v) -> {
              long size = estimate(v);
              if (entries.put(key(table, file, c), new Entry(v, size)) == null) {
                bytes += size;
              }
            });
        evict();
      }
      result.putAll(loaded);
    }
    return result;
  }

  /**
   * The values of {@code columns} at {@code positions} of a file. Reads only the row groups that
   * hold those rows (point reads, cached per row group within the same byte budget), unless the
   * whole columns are cached already or the file has a single row group.
   */
  public Rows rows(Table table, String file, List<String> columns, long[] positions) {
    synchronized (this) {
      Map<String, Object> whole = new HashMap<>();
      for (String c : columns) {
        Entry e = entries.get(key(table, file, c));
        if (e != null) {
          whole.put(c, e.values());
        }
      }
      if (whole.size() == columns.size()) {
        return (c, p) -> valueAt(whole.get(c), p);
      }
    }
    RowGroupLayout layout = layout(table, file);
    if (layout == null || layout.groups() <= 1) {
      Map<String, Object> whole = columns(table, file, columns);
      return (c, p) -> valueAt(whole.get(c), p);
    }
    Map<Integer, Map<String, Object>> groups = new HashMap<>();
    for (long p : positions) {
      groups.computeIfAbsent(layout.groupOf(p), g -> group(table, file, layout, g, columns));
    }
    return (c, p) -> {
      int g = layout.groupOf(p);
      return valueAt(groups.get(g).get(c), p - layout.firstRows()[g]);
    };
  }

  private Map<String, Object> group(
      Table table, String file, RowGroupLayout layout, int g, List<String> columns) {
    Map<String, Object> result = new HashMap<>();
    List<String> missing = new ArrayList<>();
    synchronized (this) {
      for (String c : columns) {
        Entry e = entries.get(key(table, file, c) + '\u0000' + g);
        if (e != null) {
          result.put(c, e.values());
        } else {
          missing.add(c);
        }
      }
    }
    if (!missing.isEmpty()) {
      Map<String, Object> loaded =
          load(table, file, missing, layout.starts()[g], layout.lengths()[g]);
      for (Object v : loaded.values()) {
        int n = v instanceof float[][] f ? f.length : ((Object[]) v).length;
        if (n != layout.rowsIn(g)) {
          throw LakebeamException.internal(
              String.format(
                  "Row group %d of data file %s has %d rows, its footer says %d; the file changed"
                      + " under the table",
                  g, file, n, layout.rowsIn(g)),
              null);
        }
      }
      synchronized (this) {
        loaded.forEach(
            (c, v) -> {
              long size = estimate(v);
              if (entries.put(key(table, file, c) + '\u0000' + g, new Entry(v, size)) == null) {
                bytes += size;
              }
            });
        evict();
      }
      result.putAll(loaded);
    }
    return result;
  }

  private RowGroupLayout layout(Table table, String file) {
    synchronized (this) {
      RowGroupLayout l = layouts.get(file);
      if (l != null) {
        return l;
      }
    }
    try {
      RowGroupLayout l = RowGroupLayout.read(table.io(), file);
      synchronized (this) {
        layouts.put(file, l);
        if (layouts.size() > 100_000) {
          layouts.remove(layouts.keySet().iterator().next());
        }
      }
      return l;
    } catch (IOException | RuntimeException e) {
      return null; // read whole columns instead, which reports a real read error
    }
  }

  private static Object valueAt(Object column, long pos) {
    return column instanceof float[][] vs ? vs[(int) pos] : ((Object[]) column)[(int) pos];
  }

  /** Loads one vector column of a file as {@code float[][]} (null rows stay null), uncached. */
  public static float[][] readVectors(Table table, String file, String column) {
    return (float[][]) load(table, file, List.of(column)).get(column);
  }

  /** By field id, not name: a column renamed and another added under its name never collide. */
  private static String key(Table table, String file, String column) {
    org.apache.iceberg.types.Types.NestedField f = table.schema().findField(column);
    return file + '\u0000' + (f == null ? column : Integer.toString(f.fieldId()));
  }

  /**
   * Forgets every cached value and layout of these files, for external files that were changed in
   * place and registered again.
   */
  public synchronized void invalidate(java.util.Collection<String> files) {
    for (String file : files) {
      String prefix = file + '\u0000';
      var it = entries.entrySet().iterator();
      while (it.hasNext()) {
        var e = it.next();
        if (e.getKey().startsWith(prefix)) {
          bytes -= e.getValue().bytes();
          it.remove();
        }
      }
      layouts.remove(file);
    }
  }

  private void evict() {
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      bytes -= it.next().getValue().bytes();
      it.remove();
    }
  }

  private static Map<String, Object> load(Table table, String file, List<String> columns) {
    return load(table, file, columns, -1, -1);
  }

  private static Map<String, Object> load(
      Table table, String file, List<String> columns, long start, long length) {
    Schema projection = table.schema().select(columns);
    List<Types.NestedField> fields = projection.columns();
    boolean[] isList = new boolean[fields.size()];
    List<List<Object>> values = new ArrayList<>();
    for (int i = 0; i < fields.size(); i++) {
      isList[i] = isNumberList(fields.get(i).type());
      values.add(new ArrayList<>());
    }
    try (CloseableIterable<Record> rows =
        DataFileReader.read(table, file, projection, start, length)) {
      for (Record r : rows) {
        for (int i = 0; i < isList.length; i++) {
          // Convert as we go: a file's worth of boxed lists would be many times its float size.
          Object v = r.get(i);
          values.get(i).add(isList[i] ? toFloats(v) : internal(v));
        }
      }
    } catch (IOException | RuntimeException e) {
      throw LakebeamException.internal("Cannot read " + columns + " of data file " + file, e);
    }
    Map<String, Object> out = new HashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      List<Object> col = values.get(i);
      out.put(
          fields.get(i).name(),
          isList[i] ? col.toArray(new float[col.size()][]) : col.toArray(new Object[col.size()]));
    }
    return out;
  }

  /** Lists of numbers load as vectors; other lists (of strings, structs) stay lists. */
  private static boolean isNumberList(org.apache.iceberg.types.Type type) {
    if (!type.isListType()) {
      return false;
    }
    return switch (type.asListType().elementType().typeId()) {
      case FLOAT, DOUBLE, INTEGER, LONG -> true;
      default -> false;
    };
  }

  /** A list of numbers as float[], or null; a null element makes the whole vector null. */
  public static float[] toFloats(Object value) {
    if (!(value instanceof List<?> list)) {
      return null;
    }
    float[] v = new float[list.size()];
    for (int i = 0; i < v.length; i++) {
      Object x = list.get(i);
      if (x == null) {
        return null;
      }
      v[i] = ((Number) x).floatValue();
    }
    return v;
  }

  /** Converts a generic-reader value into Iceberg's internal representation. */
  static Object internal(Object v) {
    if (v instanceof LocalDateTime ldt) {
      return DateTimeUtil.microsFromTimestamp(ldt);
    } else if (v instanceof OffsetDateTime odt) {
      return DateTimeUtil.microsFromTimestamptz(odt);
    } else if (v instanceof LocalDate d) {
      return DateTimeUtil.daysFromDate(d);
    } else if (v instanceof LocalTime t) {
      return DateTimeUtil.microsFromTime(t);
    } else if (v instanceof byte[] b) {
      return ByteBuffer.wrap(b);
    } else if (v instanceof CharSequence s) {
      return s.toString();
    }
    return v;
  }

  private static long estimate(Object values) {
    if (values instanceof float[][] vs) {
      long b = 16L * vs.length;
      for (float[] v : vs) {
        b += v == null ? 0 : 16 + 4L * v.length;
      }
      return b;
    }
    Object[] arr = (Object[]) values;
    long b = 16 + 8L * arr.length;
    for (Object o : arr) {
      if (o instanceof String s) {
        b += 40 + s.length();
      } else if (o instanceof ByteBuffer bb) {
        b += 48 + bb.remaining();
      } else if (o != null) {
        b += 16;
      }
    }
    return b;
  }

  public synchronized long bytes() {
    return bytes;
  }
}
