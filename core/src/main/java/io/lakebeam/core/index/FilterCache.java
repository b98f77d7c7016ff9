package io.lakebeam.core.index;

import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.filter.RowMatcher;
import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;

/**
 * The rows of a data file that match a filter, as a bit set over row positions. Data files never
 * change, so a result is cached by (file, filter), least recently used first out, up to a budget in
 * bytes: many distinct filters ({@code id = 1}, {@code id = 2}, ...) cannot fill the heap.
 * Thread-safe.
 */
final class FilterCache {
  /** Bytes an entry costs beyond its bit set and key: map entry, objects, headers. */
  static final int ENTRY_OVERHEAD = 96;

  /** System property of the budget in bytes; default a 16th of the heap. */
  static final String BYTES_PROPERTY = "lakebeam.filter.cache.bytes";

  private final ColumnCache columns;
  private final long maxBytes;
  private final LinkedHashMap<String, BitSet> entries = new LinkedHashMap<>(256, 0.75f, true);
  private long bytes;

  FilterCache(ColumnCache columns, long maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("Cannot cache filters in " + maxBytes + " bytes: use 0+");
    }
    this.columns = columns;
    this.maxBytes = maxBytes;
  }

  /** A cache with the budget of {@value #BYTES_PROPERTY}, or a 16th of the heap. */
  static FilterCache fromSystemProperties(ColumnCache columns) {
    return new FilterCache(
        columns, Long.getLong(BYTES_PROPERTY, Runtime.getRuntime().maxMemory() / 16));
  }

  BitSet matches(Table table, String file, RowFilter filter) {
    List<String> filterColumns = filter.columns();
    String key = file + '\u0000' + filter;
    synchronized (this) {
      BitSet hit = entries.get(key);
      if (hit != null) {
        return hit;
      }
    }
    Types.StructType struct = table.schema().select(filterColumns).asStruct();
    List<Object[]> cols = new ArrayList<>();
    Map<String, Object> loaded = columns.columns(table, file, filterColumns);
    for (Types.NestedField f : struct.fields()) {
      cols.add((Object[]) loaded.get(f.name()));
    }
    int n = cols.isEmpty() ? 0 : cols.get(0).length;
    RowMatcher evaluator = filter.matcher(struct);
    ColumnarRow row = new ColumnarRow(cols.toArray(new Object[0][]));
    BitSet bits = new BitSet(n);
    for (int i = 0; i < n; i++) {
      row.at(i);
      if (evaluator.test(row)) {
        bits.set(i);
      }
    }
    put(key, bits);
    return bits;
  }

  private synchronized void put(String key, BitSet bits) {
    long cost = cost(key, bits);
    if (cost > maxBytes) {
      return; // larger than the whole budget: computed, used once, not kept
    }
    BitSet old = entries.put(key, bits);
    if (old != null) {
      bytes -= cost(key, old);
    }
    bytes += cost;
    Iterator<Map.Entry<String, BitSet>> it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, BitSet> eldest = it.next();
      bytes -= cost(eldest.getKey(), eldest.getValue());
      it.remove();
    }
  }

  private static long cost(String key, BitSet bits) {
    return ENTRY_OVERHEAD + 2L * key.length() + bits.size() / 8;
  }

  /** Bytes the cached entries take, by the estimate the budget is checked against. */
  synchronized long bytes() {
    return bytes;
  }

  synchronized int entries() {
    return entries.size();
  }

  /** A row of column arrays seen as an Iceberg {@link org.apache.iceberg.StructLike}. */
  private static final class ColumnarRow implements org.apache.iceberg.StructLike {
    private final Object[][] columns;
    private int row;

    ColumnarRow(Object[][] columns) {
      this.columns = columns;
    }

    void at(int r) {
      row = r;
    }

    @Override
    public int size() {
      return columns.length;
    }

    @Override
    public <T> T get(int pos, Class<T> javaClass) {
      return javaClass.cast(columns[pos][row]);
    }

    @Override
    public <T> void set(int pos, T value) {
      throw new UnsupportedOperationException("read-only");
    }
  }
}
