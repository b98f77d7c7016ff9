package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.filter.RowFilter;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.iceberg.Table;

/**
 * Runs one search request against a table snapshot: graph search in each index segment over the
 * rows that are live, not deleted and match the filter; exact search over data files the index does
 * not cover yet; and an exact fallback wherever a filter is so selective that a graph search could
 * come back short. Every query gets {@code min(k, matching rows)} results.
 */
final class SearchExecution {
  /** Below this many accepted rows in a segment, exact scoring is cheaper and always complete. */
  static final int BRUTE_FORCE_MAX_ROWS = 8_192;

  /** Below this fraction of accepted rows, graph search degrades: score exactly instead. */
  static final double BRUTE_FORCE_MAX_FRACTION = 0.03;

  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  private final Table table;
  private final TableState state;
  private final VectorIndex index;
  private final VectorField field;
  private final Metric metric;
  private final RowFilter filter;
  private final ColumnCache columns;
  private final FilterCache filters;

  SearchExecution(
      Table table,
      TableState state,
      VectorIndex index,
      VectorField field,
      Metric metric,
      RowFilter filter,
      ColumnCache columns,
      FilterCache filters) {
    this.table = table;
    this.state = state;
    this.index = index;
    this.field = field;
    this.metric = metric;
    this.filter = filter.matchesAll() ? null : filter;
    this.columns = columns;
    this.filters = filters;
  }

  List<List<SearchHit>> run(float[][] queries, int k, int ef) {
    for (int i = 0; i < queries.length; i++) {
      if (queries[i].length != field.dimension()) {
        throw LakebeamException.invalid(
            "Cannot search field '%s': query vector %d has dimension %d, but the field has"
                + " dimension %d",
            field.name(), i, queries[i].length, field.dimension());
      }
    }
    VectorSimilarityFunction vsf = metric.similarity();
    List<SegmentPlan> plans = new ArrayList<>();
    if (index != null) {
      for (IndexSegment s : index.segments()) {
        plans.add(plan(s));
      }
    }
    List<String> uncovered = new ArrayList<>();
    for (String f : state.files().keySet()) {
      if (index == null || !index.covers(f)) {
        uncovered.add(f);
      }
    }
    List<List<SearchHit>> out = new ArrayList<>(queries.length);
    for (float[] q : queries) {
      VectorFloat<?> query = VTS.createFloatVector(q);
      VectorFloat<?> indexQuery = VTS.createFloatVector(metric.forIndex(q));
      TopK top = new TopK(k);
      for (SegmentPlan p : plans) {
        // Segments of unit vectors score cosine as a dot product of unit vectors.
        if (p.segment().ref().unitVectors()) {
          searchSegment(p, indexQuery, k, ef, metric.indexSimilarity(), top);
        } else {
          searchSegment(p, query, k, ef, vsf, top);
        }
      }
      for (String f : uncovered) {
        scanFile(f, query, vsf, top);
      }
      out.add(top.sorted().stream().map(h -> h.in(metric)).toList());
    }
    return out;
  }

  /** Which ordinals of a segment may be returned, decided once per request. */
  private record SegmentPlan(IndexSegment segment, Bits accept, int accepted, int[] ordinals) {}

  private SegmentPlan plan(IndexSegment s) {
    RowMap rows = s.rows();
    List<String> files = rows.files();
    boolean allLive = rows.deadCount() == 0;
    BitSet[] deleted = new BitSet[files.size()];
    BitSet[] matching = new BitSet[files.size()];
    boolean[] live = new boolean[files.size()];
    for (int f = 0; f < files.size(); f++) {
      String path = files.get(f);
      live[f] = state.isLive(path);
      if (!live[f]) {
        allLive = false;
        continue;
      }
      deleted[f] = state.deletedPositions(path);
      if (deleted[f] != null) {
        allLive = false;
      }
      if (filter != null) {
        matching[f] = matching(path);
      }
    }
    if (allLive && filter == null) {
      return new SegmentPlan(s, Bits.ALL, s.size(), null);
    }
    int n = s.size();
    BitSet accepted = new BitSet(n);
    for (int o = 0; o < n; o++) {
      int f = rows.file(o);
      if (f == RowMap.DEAD || !live[f]) {
        continue;
      }
      int pos = rows.pos(o);
      if (deleted[f] != null && deleted[f].get(pos)) {
        continue;
      }
      if (matching[f] != null && !matching[f].get(pos)) {
        continue;
      }
      accepted.set(o);
    }
    int count = accepted.cardinality();
    int[] ordinals = null;
    if (isExact(count, n)) {
      ordinals = accepted.stream().toArray();
    }
    return new SegmentPlan(s, accepted::get, count, ordinals);
  }

  private static boolean isExact(int accepted, int size) {
    return accepted <= BRUTE_FORCE_MAX_ROWS || accepted < BRUTE_FORCE_MAX_FRACTION * size;
  }

  private void searchSegment(
      SegmentPlan p, VectorFloat<?> query, int k, int ef, VectorSimilarityFunction vsf, TopK top) {
    if (p.accepted() == 0) {
      return;
    }
    if (p.ordinals() != null) {
      p.segment().scoreExact(query, vsf, p.ordinals(), p.ordinals().length, top);
      return;
    }
    if (p.accepted() <= ef) {
      // A beam this wide would visit every accepted row: score them all, which also cannot miss
      // a row that the graph does not reach.
      scoreAccepted(p, query, vsf, top);
      return;
    }
    SearchResult.NodeScore[] nodes = p.segment().search(query, k, ef, vsf, p.accept());
    if (nodes.length < Math.min(k, p.accepted())) {
      // The graph walk ran out of accepted nodes: score every accepted row instead.
      scoreAccepted(p, query, vsf, top);
      return;
    }
    for (SearchResult.NodeScore ns : nodes) {
      top.offer(ns.score, p.segment(), ns.node);
    }
  }

  private static void scoreAccepted(
      SegmentPlan p, VectorFloat<?> query, VectorSimilarityFunction vsf, TopK top) {
    int[] ordinals = new int[p.accepted()];
    int c = 0;
    for (int o = 0; o < p.segment().size() && c < ordinals.length; o++) {
      if (p.accept().get(o)) {
        ordinals[c++] = o;
      }
    }
    p.segment().scoreExact(query, vsf, ordinals, c, top);
  }

  private void scanFile(String file, VectorFloat<?> query, VectorSimilarityFunction vsf, TopK top) {
    float[][] vectors =
        (float[][]) columns.columns(table, file, List.of(field.name())).get(field.name());
    BitSet deleted = state.deletedPositions(file);
    BitSet matching = filter == null ? null : matching(file);
    for (int pos = 0; pos < vectors.length; pos++) {
      float[] v = vectors[pos];
      if (SegmentBuilder.problem(v, field.dimension(), metric) != null) {
        continue;
      }
      if ((deleted != null && deleted.get(pos)) || (matching != null && !matching.get(pos))) {
        continue;
      }
      top.offer(vsf.compare(query, VTS.createFloatVector(v)), file, pos);
    }
  }

  /** The rows of a file that match the filter; none, unread, when its column bounds rule it out. */
  private BitSet matching(String file) {
    org.apache.iceberg.DataFile f = state.files().get(file);
    if (f != null && !filter.mightMatch(f)) {
      return new BitSet();
    }
    return filters.matches(table, file, filter);
  }
}
