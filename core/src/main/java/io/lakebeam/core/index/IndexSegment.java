package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.lakebeam.core.LakebeamException;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.apache.iceberg.io.FileIO;

/**
 * A loaded graph segment: a memory-mapped jVector graph with inline vectors and its row map.
 * Thread-safe: searches borrow a {@link GraphSearcher} from a pool (one searcher per thread).
 */
final class IndexSegment implements Closeable {
  private final IndexManifest.SegmentRef ref;
  private final ReaderSupplier readers;
  private final OnDiskGraphIndex graph;
  private final RowMap rows;
  private final RandomAccessVectorValues vectors;
  private final ConcurrentLinkedDeque<GraphSearcher> searchers = new ConcurrentLinkedDeque<>();

  private IndexSegment(
      IndexManifest.SegmentRef ref,
      ReaderSupplier readers,
      OnDiskGraphIndex graph,
      RowMap rows,
      RandomAccessVectorValues vectors) {
    this.ref = ref;
    this.readers = readers;
    this.graph = graph;
    this.rows = rows;
    this.vectors = vectors;
  }

  /**
   * Copies the graph's inline vectors onto the heap: scoring then reads plain float arrays (SIMD)
   * instead of copying each visited vector out of the mapped file. The graph's edges stay mapped.
   */
  private static RandomAccessVectorValues heapVectors(OnDiskGraphIndex graph) throws IOException {
    int n = graph.size(0);
    List<VectorFloat<?>> list = new ArrayList<>(n);
    try (var view = graph.getView()) {
      RandomAccessVectorValues mapped = (RandomAccessVectorValues) view;
      for (int i = 0; i < n; i++) {
        list.add(mapped.getVector(i).copy());
      }
    }
    return new ListRandomAccessVectorValues(list, graph.getDimension());
  }

  static IndexSegment load(FileIO io, IndexManifest.SegmentRef ref) {
    ReaderSupplier readers = null;
    try {
      Path rowsFile = IndexFiles.fetch(io, ref.rowsPath());
      RowMap rows;
      try (InputStream in =
          new java.io.BufferedInputStream(Files.newInputStream(rowsFile), 1 << 16)) {
        rows = RowMap.read(in);
      }
      readers = IndexFiles.open(io, ref.graphPath());
      OnDiskGraphIndex graph = OnDiskGraphIndex.load(readers);
      if (graph.size(0) != rows.size()) {
        graph.close();
        readers.close();
        throw new IOException(
            "graph has " + graph.size(0) + " nodes but its row map " + rows.size() + " rows");
      }
      return new IndexSegment(ref, readers, graph, rows, heapVectors(graph));
    } catch (IOException | RuntimeException e) {
      IndexFiles.closeQuietly(readers); // unpins a cached copy now, not at the next GC
      throw LakebeamException.internal(
          "Cannot load index segment " + ref.graphPath() + "; rebuild the index (create_index)", e);
    }
  }

  IndexManifest.SegmentRef ref() {
    return ref;
  }

  RowMap rows() {
    return rows;
  }

  int size() {
    return rows.size();
  }

  /** Approximate top-k among accepted ordinals; {@code ef} is the search beam width. */
  SearchResult.NodeScore[] search(
      VectorFloat<?> query, int k, int ef, VectorSimilarityFunction vsf, Bits accept) {
    GraphSearcher searcher = searchers.pollFirst();
    if (searcher == null) {
      searcher = new GraphSearcher(graph);
    }
    try {
      var ssp = DefaultSearchScoreProvider.exact(query, vsf, vectors);
      SearchResult r = searcher.search(ssp, k, Math.max(k, ef), 0f, 0f, accept);
      return r.getNodes();
    } finally {
      searchers.offerFirst(searcher);
    }
  }

  /** Exact scores of the given ordinals. */
  void scoreExact(
      VectorFloat<?> query, VectorSimilarityFunction vsf, int[] ordinals, int count, TopK top) {
    for (int i = 0; i < count; i++) {
      int o = ordinals[i];
      top.offer(vsf.compare(query, vectors.getVector(o)), this, o);
    }
  }

  @Override
  public void close() throws IOException {
    GraphSearcher s;
    while ((s = searchers.pollFirst()) != null) {
      s.close();
    }
    graph.close();
    readers.close();
  }
}
