package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.SearchScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.io.FileIO;

/**
 * A loaded graph segment: a memory-mapped jVector graph with inline full-precision vectors, its row
 * map, and the in-memory form its {@link Tier} allows. Thread-safe: searches borrow a {@link
 * GraphSearcher} (and with it a view of the mapped file) from a pool, one per thread.
 */
final class IndexSegment implements Closeable {
  /** Below this many rows a segment keeps its full vectors on the heap when the budget allows. */
  static final int FULL_VECTORS_MAX_ROWS = 50_000;

  private static final AtomicLong CLOCK = new AtomicLong();

  /** Where a segment's vectors are scored from. */
  enum Tier {
    /** Full-precision vectors on the heap. */
    HOT("hot"),
    /** Product-quantized codes on the heap; candidates re-ranked from the mapped full vectors. */
    HOT_PQ("hot-pq"),
    /** Nothing per vector on the heap: scored from the memory-mapped file. */
    WARM("warm");

    final String wireName;

    Tier(String wireName) {
      this.wireName = wireName;
    }
  }

  /** What the segment holds on the heap; replaced as a whole when the segment is demoted. */
  private record Resident(Tier tier, RandomAccessVectorValues vectors, PQVectors pq, long bytes) {
    static final Resident WARM = new Resident(Tier.WARM, null, null, 0);
  }

  private final IndexManifest.SegmentRef ref;
  private final ReaderSupplier readers;

  /**
   * With {@link IndexFiles#FILL_PROPERTY}, a remote segment copies its file into the disk cache
   * once its first search is done: started at load, the copy competed with the first query for the
   * object store (0.9 s more at 1M).
   */
  private final AtomicBoolean fillPending = new AtomicBoolean();

  private final OnDiskGraphIndex graph;
  private final RowMap rows;
  private final boolean pinned;
  private final ConcurrentLinkedDeque<GraphSearcher> searchers = new ConcurrentLinkedDeque<>();
  private volatile Resident resident = Resident.WARM;
  private volatile long lastUsed;

  /** The loaded indexes that hold this segment (a refresh's index shares unchanged segments). */
  private final AtomicInteger holders = new AtomicInteger(1);

  private volatile boolean closed;

  private ServingMemory memory;

  private IndexSegment(
      IndexManifest.SegmentRef ref,
      ReaderSupplier readers,
      OnDiskGraphIndex graph,
      RowMap rows,
      boolean pinned) {
    this.ref = ref;
    this.readers = readers;
    this.graph = graph;
    this.rows = rows;
    this.pinned = pinned;
  }

  /**
   * Loads a segment into the best tier {@code memory} has room for: full vectors on the heap when
   * pinned or small, product-quantized codes for large segments that have them, else warm.
   */
  static IndexSegment load(
      FileIO io, IndexManifest.SegmentRef ref, ServingMemory memory, boolean pinned) {
    IndexSegment segment;
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
        throw new IOException(
            "graph has " + graph.size(0) + " nodes but its row map " + rows.size() + " rows");
      }
      segment = new IndexSegment(ref, readers, graph, rows, pinned);
    } catch (IOException | RuntimeException e) {
      IndexFiles.closeQuietly(readers); // unpins a cached copy now, not at the next GC
      throw LakebeamException.internal(
          "Cannot load index segment " + ref.graphPath() + "; rebuild the index (create_index)", e);
    }
    try {
      segment.admit(io, memory);
    } catch (IOException | RuntimeException e) {
      segment.closeQuietly();
      throw LakebeamException.internal(
          "Cannot load index segment " + ref.graphPath() + "; rebuild the index (create_index)", e);
    }
    segment.fillPending.set(readers instanceof RemoteBlocks && IndexFiles.fillCache());
    return segment;
  }

  private void admit(FileIO io, ServingMemory memory) throws IOException {
    this.memory = memory;
    this.lastUsed = CLOCK.incrementAndGet();
    int n = graph.size(0);
    long fullBytes = (long) n * (graph.getDimension() * 4L + 48);
    boolean preferFull = pinned || n <= FULL_VECTORS_MAX_ROWS || ref.pqPath() == null;
    if (preferFull && memory.reserve(this, fullBytes, pinned)) {
      resident = new Resident(Tier.HOT, heapVectors(), null, fullBytes);
      return;
    }
    if (ref.pqPath() != null) {
      Path pqFile = IndexFiles.fetch(io, ref.pqPath());
      long estimate = Files.size(pqFile) + 64L * 1024;
      if (memory.reserve(this, estimate, false)) {
        PQVectors pq;
        try (ReaderSupplier supplier = ReaderSupplierFactory.open(pqFile);
            var reader = supplier.get()) {
          pq = PQVectors.load(reader);
        } catch (IOException | RuntimeException e) {
          memory.release(this, estimate);
          throw e;
        }
        if (pq.count() != n) {
          memory.release(this, estimate);
          throw new IOException("PQ codes hold " + pq.count() + " vectors, the graph " + n);
        }
        resident = new Resident(Tier.HOT_PQ, null, pq, estimate);
        return;
      }
    }
    resident = Resident.WARM;
  }

  /**
   * Copies the graph's inline vectors onto the heap: scoring then reads plain float arrays (SIMD)
   * instead of copying each visited vector out of the mapped file. The graph's edges stay mapped.
   */
  private RandomAccessVectorValues heapVectors() throws IOException {
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

  IndexManifest.SegmentRef ref() {
    return ref;
  }

  RowMap rows() {
    return rows;
  }

  int size() {
    return rows.size();
  }

  boolean pinned() {
    return pinned;
  }

  Tier tier() {
    return resident.tier();
  }

  long residentBytes() {
    return resident.bytes();
  }

  long lastUsed() {
    return lastUsed;
  }

  /** Drops the heap form (searches continue from the mapped file); returns the bytes freed. */
  long demoteToWarm() {
    Resident r = resident;
    resident = Resident.WARM;
    return r.bytes();
  }

  /** Demotes and gives the bytes back to the budget: the segment is no longer served hot. */
  void releaseMemory() {
    long freed = demoteToWarm();
    if (memory != null) {
      memory.release(this, freed);
    }
  }

  /** Approximate top-k among accepted ordinals; {@code ef} is the search beam width. */
  SearchResult.NodeScore[] search(
      VectorFloat<?> query, int k, int ef, VectorSimilarityFunction vsf, Bits accept) {
    lastUsed = CLOCK.incrementAndGet();
    Resident r = resident;
    GraphSearcher searcher = borrow();
    try {
      SearchScoreProvider ssp;
      if (r.vectors() != null) {
        ssp = DefaultSearchScoreProvider.exact(query, vsf, r.vectors());
      } else {
        RandomAccessVectorValues mapped = (RandomAccessVectorValues) searcher.getView();
        ssp =
            r.pq() != null
                ? new DefaultSearchScoreProvider(
                    r.pq().precomputedScoreFunctionFor(query, vsf), mapped.rerankerFor(query, vsf))
                : DefaultSearchScoreProvider.exact(query, vsf, mapped);
      }
      SearchResult result = searcher.search(ssp, k, Math.max(k, ef), 0f, 0f, accept);
      return result.getNodes();
    } finally {
      searchers.offerFirst(searcher);
      if (fillPending.get() && fillPending.compareAndSet(true, false)) {
        ((RemoteBlocks) readers).fillInBackground();
      }
    }
  }

  /** Exact scores of the given ordinals. */
  void scoreExact(
      VectorFloat<?> query, VectorSimilarityFunction vsf, int[] ordinals, int count, TopK top) {
    lastUsed = CLOCK.incrementAndGet();
    RandomAccessVectorValues heap = resident.vectors();
    if (heap != null) {
      for (int i = 0; i < count; i++) {
        int o = ordinals[i];
        top.offer(vsf.compare(query, heap.getVector(o)), this, o);
      }
      return;
    }
    GraphSearcher searcher = borrow();
    try {
      RandomAccessVectorValues mapped = (RandomAccessVectorValues) searcher.getView();
      for (int i = 0; i < count; i++) {
        int o = ordinals[i];
        top.offer(vsf.compare(query, mapped.getVector(o)), this, o);
      }
    } finally {
      searchers.offerFirst(searcher);
    }
  }

  /** Another loaded index holds this segment too. */
  void hold() {
    holders.incrementAndGet();
  }

  /** An index that held this segment is gone; the last one closes the segment and its files. */
  void unhold() {
    if (holders.decrementAndGet() == 0) {
      closeQuietly();
    }
  }

  private GraphSearcher borrow() {
    GraphSearcher searcher = searchers.pollFirst();
    return searcher != null ? searcher : new GraphSearcher(graph);
  }

  private void closeQuietly() {
    try {
      close();
    } catch (IOException ignored) {
      // already failing
    }
  }

  boolean closed() {
    return closed;
  }

  @Override
  public void close() throws IOException {
    closed = true;
    releaseMemory();
    GraphSearcher s;
    while ((s = searchers.pollFirst()) != null) {
      s.close();
    }
    graph.close();
    readers.close();
  }
}
