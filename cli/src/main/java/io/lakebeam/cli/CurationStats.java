package io.lakebeam.cli;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.data.Record;

/** Counts over the columns a curation job wrote, for its summary line. */
final class CurationStats {
  private CurationStats() {}

  /** Groups with more than one row, and rows that are not the kept one. */
  static Map<String, Object> duplicates(Collection c, String prefix) {
    Map<String, Integer> sizes = new HashMap<>();
    long[] notKept = {0};
    forEach(
        c,
        new String[] {prefix + "dup_group", prefix + "is_canonical"},
        r -> {
          Object group = r.getField(prefix + "dup_group");
          if (group != null) {
            sizes.merge(group.toString(), 1, Integer::sum);
          }
          if (Boolean.FALSE.equals(r.getField(prefix + "is_canonical"))) {
            notKept[0]++;
          }
        });
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("duplicate_groups", sizes.values().stream().filter(n -> n > 1).count());
    out.put("duplicate_rows", notKept[0]);
    return out;
  }

  /** Rows flagged by {@code flag}. */
  static Map<String, Object> flagged(Collection c, String flag) {
    long[] n = {0};
    forEach(c, new String[] {flag}, r -> n[0] += Boolean.TRUE.equals(r.getField(flag)) ? 1 : 0);
    return Map.of("flagged_rows", n[0]);
  }

  private static void forEach(
      Collection c, String[] columns, java.util.function.Consumer<Record> action) {
    Collection fresh = c.refreshMetadata();
    TableState state = TableState.of(fresh.table());
    for (String path : state.paths()) {
      LiveRows.forEachInFile(fresh.table(), state, path, fresh.schema().select(columns), action);
    }
  }
}
