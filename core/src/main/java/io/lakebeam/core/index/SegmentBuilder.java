package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.disk.OnDiskGraphIndex;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.quantization.PQVectors;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one graph segment over a set of data files: reads their vectors, skips rows that cannot be
 * indexed (null, wrong dimension, non-finite, zero vectors under cosine) and reports them, builds a
 * jVector graph in parallel, connects any node the parallel build left unreachable ({@link
 * GraphReachability}) and writes it, with its row map, beside the table.
 */
final class SegmentBuilder {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentBuilder.class);
  static final int MAX_REPORTED_SKIPS = 100;

  /** A row that was not indexed, and why. */
  record Skipped(String file, int pos, String reason) {}

  /** A written segment, with the rows it left out. */
  record Built(IndexManifest.SegmentRef ref, List<Skipped> skipped, long skippedCount) {}

  private SegmentBuilder() {}

  static Built build(
      Table table,
      TableState state,
      List<String> files,
      String field,
      int dimension,
      Metric metric,
      IndexParams params,
      String collection) {
    String what = collection + "." + field;
    long estimate = estimatedVectorBytes(state, files, dimension);
    try (VectorSink sink = VectorSink.open(dimension, estimate, "Segment " + what)) {
      Rows rows = readRows(table, state, files, field, dimension, metric, sink);
      if (sink.count() == 0) {
        return new Built(null, rows.skipped(), rows.skippedCount());
      }
      LOG.info("Segment {}: read {} vectors in {} ms", what, sink.count(), rows.readMillis());
      IndexManifest.SegmentRef ref =
          write(table, field, sink.vectors(), rows.rowMap(), metric, params, what);
      return new Built(ref, rows.skipped(), rows.skippedCount());
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot stage the vectors of " + what, e);
    }
  }

  /** What reading a segment's rows found: the row map of the indexed rows and those left out. */
  private record Rows(RowMap rowMap, List<Skipped> skipped, long skippedCount, long readMillis) {}

  private static Rows readRows(
      Table table,
      TableState state,
      List<String> files,
      String field,
      int dimension,
      Metric metric,
      VectorSink sink)
      throws IOException {
    List<String> usedFiles = new ArrayList<>();
    IntList fileOf = new IntList();
    IntList posOf = new IntList();
    List<Skipped> skipped = new ArrayList<>();
    long skippedCount = 0;
    long t0 = System.nanoTime();
    for (String file : files) {
      float[][] rows = ColumnCache.readVectors(table, file, field);
      BitSet deleted = state.deletedPositions(file);
      int fileIndex = usedFiles.size();
      usedFiles.add(file);
      for (int pos = 0; pos < rows.length; pos++) {
        if (deleted != null && deleted.get(pos)) {
          continue;
        }
        String problem = problem(rows[pos], dimension, metric);
        if (problem != null) {
          if (skipped.size() < MAX_REPORTED_SKIPS) {
            skipped.add(new Skipped(file, pos, problem));
          }
          skippedCount++;
          continue;
        }
        sink.add(metric.forIndex(rows[pos]));
        fileOf.add(fileIndex);
        posOf.add(pos);
      }
    }
    if (skippedCount > 0) {
      LOG.warn(
          "{}.{}: {} rows not indexed, e.g. {}", table.name(), field, skippedCount, skipped.get(0));
    }
    RowMap rowMap = new RowMap(usedFiles, fileOf.toArray(), posOf.toArray());
    return new Rows(rowMap, skipped, skippedCount, (System.nanoTime() - t0) / 1_000_000);
  }

  /** The bytes of the vectors of {@code files}' rows, from the table's record counts. */
  private static long estimatedVectorBytes(TableState state, List<String> files, int dimension) {
    long rows = 0;
    for (String f : files) {
      var df = state.files().get(f);
      rows += df == null ? 0 : df.recordCount();
    }
    return rows * dimension * 4L;
  }

  /**
   * Builds and publishes one segment over vectors already in index form ({@link Metric#forIndex}),
   * ordinal {@code o} being row {@code o} of {@code rowMap}: PQ codes, graph, row map. Returns its
   * manifest entry; the segment serves only once a manifest names it.
   */
  static IndexManifest.SegmentRef write(
      Table table,
      String field,
      RandomAccessVectorValues ravv,
      RowMap rowMap,
      Metric metric,
      IndexParams params,
      String what) {
    String base = IndexRegistry.newSegmentBase(table, field);
    String graphPath = base + ".graph";
    String rowsPath = base + ".rows";
    String pqPath = base + ".pq";
    Path graphScratch = scratchFor(graphPath);
    Path rowsScratch = scratchFor(rowsPath);
    Path pqScratch = scratchFor(pqPath);
    boolean quantized;
    int unreachable;
    try {
      ForkJoinPool pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
      long t1 = System.nanoTime();
      long cpu1 = cpuMillis();
      long t2;
      long cpu2;
      long t3;
      long cpu3;
      long t4;
      try {
        PQVectors codes = SegmentQuantizer.compute(ravv, metric, pool, what);
        quantized = codes != null;
        t2 = System.nanoTime();
        cpu2 = cpuMillis();
        BuiltGraph built = buildGraph(ravv, metric, params, pool, codes, what);
        ImmutableGraphIndex graph = built.graph();
        unreachable = built.reachability().left();
        t3 = System.nanoTime();
        cpu3 = cpuMillis();
        OnDiskGraphIndex.write(graph, ravv, graphScratch);
        if (quantized) {
          SegmentQuantizer.write(codes, pqScratch);
        }
        t4 = System.nanoTime();
      } finally {
        pool.shutdown();
      }
      LOG.info(
          "Segment {}: {} vectors; pq {} ms (cpu {} ms), graph {} ms (cpu {} ms), write {} ms",
          what,
          ravv.size(),
          (t2 - t1) / 1_000_000,
          cpu2 - cpu1,
          (t3 - t2) / 1_000_000,
          cpu3 - cpu2,
          (t4 - t3) / 1_000_000);
      try (OutputStream out =
          new java.io.BufferedOutputStream(Files.newOutputStream(rowsScratch), 1 << 16)) {
        rowMap.write(out);
      }
      IndexFiles.publish(table.io(), rowsScratch, rowsPath);
      if (quantized) {
        IndexFiles.publish(table.io(), pqScratch, pqPath);
      }
      IndexFiles.publish(table.io(), graphScratch, graphPath);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write index segment " + base, e);
    } finally {
      deleteQuietly(graphScratch);
      deleteQuietly(rowsScratch);
      deleteQuietly(pqScratch);
    }
    return new IndexManifest.SegmentRef(
        graphPath,
        rowsPath,
        ravv.size(),
        rowMap.files(),
        metric == Metric.COSINE,
        quantized ? pqPath : null,
        unreachable);
  }

  /** A built graph and what its reachability repair did. */
  record BuiltGraph(ImmutableGraphIndex graph, GraphReachability.Report reachability) {}

  /**
   * Builds the graph of {@code ravv}'s vectors (ordinals in order) on {@code threads} threads, with
   * every node reachable from the entry node.
   */
  static ImmutableGraphIndex buildGraph(
      RandomAccessVectorValues ravv, Metric metric, IndexParams params, int threads, String what)
      throws IOException {
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      return buildGraph(ravv, metric, params, pool, null, what).graph();
    } finally {
      pool.shutdown();
    }
  }

  /**
   * Builds the graph on every thread of {@code pool}, insertion and cleanup alike. With {@code
   * codes}, insertions score candidates from the PQ codes and the neighbour lists are then rescored
   * exactly before cleanup.
   */
  static BuiltGraph buildGraph(
      RandomAccessVectorValues ravv,
      Metric metric,
      IndexParams params,
      ForkJoinPool pool,
      PQVectors codes,
      String what)
      throws IOException {
    BuildScoreProvider exact =
        BuildScoreProvider.randomAccessScoreProvider(ravv, metric.indexSimilarity());
    String variant = System.getProperty("lakebeam.build.variant", "exact");
    boolean pqBuild = codes != null && variant.startsWith("pq");
    boolean refine = !variant.endsWith("norefine");
    BuildScoreProvider bsp =
        pqBuild ? BuildScoreProvider.pqBuildScoreProvider(metric.indexSimilarity(), codes) : exact;
    long start = System.nanoTime();
    AtomicInteger done = new AtomicInteger();
    int n = ravv.size();
    ImmutableGraphIndex graph;
    long insertNanos;
    GraphIndexBuilder builder =
        new GraphIndexBuilder(
            bsp,
            ravv.dimension(),
            params.m(),
            params.efConstruction(),
            params.neighborOverflow(),
            params.alpha(),
            true,
            refine,
            pool,
            pool);
    try {
      long[] lastLog = {System.nanoTime()};
      GraphIndexBuilder inserting = builder;
      // one reader per thread: a mapped build's vectors are shared values, one per reader
      var readers = ravv.threadLocalSupplier();
      pool.submit(
              () ->
                  IntStream.range(0, n)
                      .parallel()
                      .forEach(
                          i -> {
                            inserting.addGraphNode(i, readers.get().getVector(i));
                            int d = done.incrementAndGet();
                            long now = System.nanoTime();
                            if (now - lastLog[0] > 5_000_000_000L) {
                              lastLog[0] = now;
                              LOG.info(
                                  "Indexing {}: {}/{} vectors ({}%)", what, d, n, 100L * d / n);
                            }
                          }))
          .join();
      insertNanos = System.nanoTime() - start;
      if (pqBuild) {
        GraphIndexBuilder rescored = GraphIndexBuilder.rescore(builder, exact);
        builder.close();
        builder = rescored;
      }
      builder.cleanup();
      graph = builder.getGraph();
    } finally {
      builder.close();
    }
    long cleaned = System.nanoTime();
    GraphReachability.Report repair =
        GraphReachability.connect(graph, ravv, metric.indexSimilarity());
    if (repair.unreachable() > 0) {
      LOG.info(
          "Indexing {}: {} nodes the build left unreachable; {} new edges, {} graph searches, in {}"
              + " passes, {} left",
          what,
          repair.unreachable(),
          repair.edges(),
          repair.searches(),
          repair.passes(),
          repair.left());
    }
    long end = System.nanoTime();
    LOG.info(
        "Indexed {}: {} vectors in {} ms (insert {} ms, cleanup {} ms, reachability {} ms)",
        what,
        n,
        (end - start) / 1_000_000,
        insertNanos / 1_000_000,
        (cleaned - start - insertNanos) / 1_000_000,
        (end - cleaned) / 1_000_000);
    return new BuiltGraph(graph, repair);
  }

  /** CPU time of the whole process so far, for the phase log (robust to other load). */
  static long cpuMillis() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.OperatingSystemMXBean os
        ? os.getProcessCpuTime() / 1_000_000
        : 0;
  }

  static String problem(float[] v, int dimension, Metric metric) {
    if (v == null) {
      return "null vector";
    }
    if (v.length != dimension) {
      return "dimension " + v.length + ", expected " + dimension;
    }
    double norm = 0;
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return "non-finite element";
      }
      norm += x * x;
    }
    if (metric == Metric.COSINE && norm == 0) {
      return "zero vector (cosine is undefined)";
    }
    return null;
  }

  static Path scratchFor(String location) {
    Path local = IndexFiles.localPath(location);
    if (local == null) {
      return IndexFiles.scratch(".part");
    }
    try {
      Files.createDirectories(local.getParent());
      return local.resolveSibling("." + local.getFileName() + ".part");
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot create index directory for " + location, e);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // scratch files are best-effort
    }
  }
}
