package io.lakebeam.core.index;

import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.Types;

/**
 * The rows of a data file that match a filter, as a bit set over row positions. Data files never
 * change, so a result is cached by (file, filter) for good, up to a number of entries.
 */
final class FilterCache {
  private final ColumnCache columns;
  private final int maxEntries;
  private final LinkedHashMap<String, BitSet> entries;

  FilterCache(ColumnCache columns, int maxEntries) {
    this.columns = columns;
    this.maxEntries = maxEntries;
    this.entries =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, BitSet> eldest) {
            return size() > FilterCache.this.maxEntries;
          }
        };
  }

  BitSet matches(Table table, String file, Expression filter, List<String> filterColumns) {
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
    Evaluator evaluator = new Evaluator(struct, filter, true);
    ColumnarRow row = new ColumnarRow(cols.toArray(new Object[0][]));
    BitSet bits = new BitSet(n);
    for (int i = 0; i < n; i++) {
      row.at(i);
      if (evaluator.eval(row)) {
        bits.set(i);
      }
    }
    synchronized (this) {
      entries.put(key, bits);
    }
    return bits;
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
