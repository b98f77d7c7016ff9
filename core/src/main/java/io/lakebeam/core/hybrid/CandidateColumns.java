package io.lakebeam.core.hybrid;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.ColumnCache;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads one column's values for a list of candidates, by row group, through the column cache. */
final class CandidateColumns {
  private CandidateColumns() {}

  /** The values of {@code column} for each candidate, in the candidates' order. */
  static Object[] read(Collection c, List<HybridHit> candidates, String column) {
    Map<String, List<Long>> positions = new HashMap<>();
    for (HybridHit h : candidates) {
      positions.computeIfAbsent(h.file(), f -> new ArrayList<>()).add(h.pos());
    }
    ColumnCache cache = c.lakehouse().indexes().columnCache();
    Map<String, ColumnCache.Rows> rows = new HashMap<>();
    positions.forEach(
        (f, p) ->
            rows.put(
                f,
                cache.rows(
                    c.table(),
                    f,
                    List.of(column),
                    p.stream().mapToLong(Long::longValue).toArray())));
    Object[] out = new Object[candidates.size()];
    for (int i = 0; i < out.length; i++) {
      HybridHit h = candidates.get(i);
      out[i] = rows.get(h.file()).get(column, h.pos());
    }
    return out;
  }
}
