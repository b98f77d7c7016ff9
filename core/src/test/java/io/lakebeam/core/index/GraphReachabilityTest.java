package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.NodeArray;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.lakebeam.core.lake.Metric;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A graph built on several threads can leave a node that no search reaches (MediaIngestTest once
 * got 0.495 for a frame's own vector): every node must be reachable from the entry node.
 */
class GraphReachabilityTest {
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  /** The ten frame embeddings of MediaIngestTest: two close pairs far from the other rows. */
  static final float[][] FRAMES = {
    {0.8735661f, -0.43615475f, 0.19916475f, 0.083574094f},
    {-0.8082499f, -0.09945226f, -0.5449216f, -0.19975454f},
    {-0.74504894f, -0.041837912f, -0.63323677f, -0.20533603f},
    {-0.7553101f, -0.05268431f, -0.6202936f, -0.20485818f},
    {-0.7288308f, -0.5818043f, -0.30557615f, -0.19217876f},
    {0.09058787f, 0.40120238f, -0.9020041f, -0.1312218f},
    {0.25380406f, -0.6402087f, -0.7025804f, -0.17915654f},
    {0.8547248f, -0.51349556f, 0.060291626f, 0.046181247f},
    {-0.7310389f, -0.5753504f, -0.311923f, -0.19302352f},
    {-0.81167054f, -0.09511283f, -0.5409232f, -0.19886297f},
  };

  @Test
  void parallelBuildsOfTheFrameVectorsReachEveryNode() throws Exception {
    // Without the repair, about 2 in 100 two-thread builds of these vectors leave a node (most
    // often one of the pair near (0.86, -0.48, ...)) unreachable.
    for (int trial = 0; trial < 300; trial++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < FRAMES.length; i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(trial));
      List<VectorFloat<?>> vectors = new ArrayList<>();
      for (int i : order) {
        vectors.add(VTS.createFloatVector(Metric.COSINE.forIndex(FRAMES[i])));
      }
      RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, 4);
      ImmutableGraphIndex graph =
          SegmentBuilder.buildGraph(ravv, Metric.COSINE, IndexParams.defaults(), 2, "frames");
      assertThat(GraphReachability.reachable(graph).cardinality())
          .as("nodes reachable in trial %d (order %s)", trial, order)
          .isEqualTo(FRAMES.length);
    }
  }

  @Test
  void aNodeWithNoInEdgesGetsOneFromItsNearestReachableNeighbour() throws Exception {
    RandomAccessVectorValues ravv = gaussian(7, 200, 8);
    ImmutableGraphIndex graph =
        SegmentBuilder.buildGraph(ravv, Metric.COSINE, IndexParams.defaults(), 1, "random");
    int entry;
    try (var view = graph.getView()) {
      entry = view.entryNode().node;
    }
    int orphan = entry == 42 ? 43 : 42;
    cutEdgesInto((OnHeapGraphIndex) graph, ravv, orphan);
    BitSet before = GraphReachability.reachable(graph);
    assertThat(before.get(orphan)).isFalse();

    GraphReachability.Report report =
        GraphReachability.connect(graph, ravv, Metric.COSINE.indexSimilarity());
    assertThat(report.edges()).isEqualTo(1);
    assertThat(report.left()).isZero();
    assertThat(GraphReachability.reachable(graph).cardinality()).isEqualTo(ravv.size());
  }

  @Test
  void anOrphanInAFullGraphIsLinkedWithoutAScanAndNoNodeExceedsItsDegree() throws Exception {
    // At 5M vectors the repair scanned every node for a parent with room, for each of 1,000
    // orphans, and found none: every node of this graph (m 4) is full too. With no full scan
    // allowed, the search and the redirected edge must connect the orphan.
    RandomAccessVectorValues ravv = gaussian(11, 3_000, 16);
    IndexParams params = new IndexParams(4, 40, 40, 1.2f, 1.2f);
    OnHeapGraphIndex graph =
        (OnHeapGraphIndex) SegmentBuilder.buildGraph(ravv, Metric.COSINE, params, 1, "random");
    int maxDegree = graph.getDegree(0);
    int entry;
    try (var view = graph.getView()) {
      entry = view.entryNode().node;
    }
    int orphan = entry == 1234 ? 1235 : 1234;
    cutEdgesInto(graph, ravv, orphan);
    for (int node = 0; node < ravv.size(); node++) {
      if (node != orphan) {
        fillUp(graph, ravv, node, orphan, maxDegree); // the nodes that lost their edge to it
      }
    }
    BitSet before = GraphReachability.reachable(graph);
    assertThat(before.get(orphan)).isFalse();
    try (var view = graph.getView()) {
      long withRoom =
          before.stream().filter(n -> view.getNeighborsIterator(0, n).size() < maxDegree).count();
      assertThat(withRoom).as("reachable nodes with room for an edge").isZero();
    }

    // The orphan, and the nodes reachable only through it: one new edge can reach several.
    int unreachable = ravv.size() - before.cardinality();
    assertThat(GraphReachability.connect(graph, ravv, Metric.COSINE.indexSimilarity(), 0).edges())
        .as("new edges for %d unreachable nodes", unreachable)
        .isBetween(1, unreachable);
    assertThat(GraphReachability.reachable(graph).cardinality()).isEqualTo(ravv.size());
    try (var view = graph.getView()) {
      for (int node = 0; node < ravv.size(); node++) {
        assertThat(view.getNeighborsIterator(0, node).size()).isLessThanOrEqualTo(maxDegree);
      }
    }
  }

  @Test
  void aClosedIslandOfOrphansInAFullGraphIsBridgedWithoutAScan() throws Exception {
    // At 5M clustered vectors the repair met orphans that lead to no reachable node: a whole tight
    // cluster linking only to itself, in a graph where every node is full. Neither a parent with
    // room nor a redirected exit edge exists; a bridge from the nearest reachable node must.
    Random rnd = new Random(13);
    List<VectorFloat<?>> vectors = new ArrayList<>();
    float[] centre = new float[16];
    for (int d = 0; d < centre.length; d++) {
      centre[d] = (float) rnd.nextGaussian();
    }
    int islandStart = 2_000;
    int islandSize = 60;
    for (int i = 0; i < 3_000; i++) {
      boolean island = i >= islandStart && i < islandStart + islandSize;
      float[] v = new float[16];
      for (int d = 0; d < v.length; d++) {
        v[d] = island ? centre[d] + 0.05f * (float) rnd.nextGaussian() : (float) rnd.nextGaussian();
      }
      vectors.add(VTS.createFloatVector(Metric.COSINE.forIndex(v)));
    }
    RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, 16);
    OnHeapGraphIndex graph =
        (OnHeapGraphIndex)
            SegmentBuilder.buildGraph(
                ravv, Metric.COSINE, new IndexParams(4, 40, 40, 1.2f, 1.2f), 1, "island");
    int maxDegree = graph.getDegree(0);
    try (var view = graph.getView()) {
      int entry = view.entryNode().node;
      assertThat(entry < islandStart || entry >= islandStart + islandSize)
          .as("entry %d outside the island", entry)
          .isTrue();
      for (int node = 0; node < ravv.size(); node++) {
        boolean inside = node >= islandStart && node < islandStart + islandSize;
        List<Integer> edges = new ArrayList<>();
        for (int m : ids(view.getNeighborsIterator(0, node))) {
          boolean mInside = m >= islandStart && m < islandStart + islandSize;
          if (inside == mInside) {
            edges.add(m);
          }
        }
        for (int m = inside ? islandStart : 0; edges.size() < maxDegree; m++) {
          boolean mInside = m >= islandStart && m < islandStart + islandSize;
          if (m != node && inside == mInside && !edges.contains(m)) {
            edges.add(m);
          }
        }
        relink(
            graph,
            view,
            ravv,
            Metric.COSINE.indexSimilarity(),
            node,
            edges.stream().mapToInt(Integer::intValue).toArray());
      }
    }
    BitSet before = GraphReachability.reachable(graph);
    assertThat(before.get(islandStart, islandStart + islandSize).isEmpty()).isTrue();

    GraphReachability.Report report =
        GraphReachability.connect(graph, ravv, Metric.COSINE.indexSimilarity(), 0);

    assertThat(report.unreachable()).isEqualTo(ravv.size() - before.cardinality());
    assertThat(report.bridged()).as("bridges in %s", report).isGreaterThanOrEqualTo(1);
    assertThat(report.left()).as("nodes left in %s", report).isZero();
    assertThat(GraphReachability.reachable(graph).cardinality()).isEqualTo(ravv.size());
    try (var view = graph.getView()) {
      for (int node = 0; node < ravv.size(); node++) {
        assertThat(view.getNeighborsIterator(0, node).size()).isLessThanOrEqualTo(maxDegree);
      }
    }
  }

  @Test
  void manyOrphansArePlacedAmongTheirOwnNeighboursWithFewSearches() throws Exception {
    // At 5M vectors 220,000 orphans each paid one to five graph searches (~66 ms in all per
    // orphan: four hours). A one-thread m-4 build of random vectors leaves hundreds of orphans
    // whose own neighbours are reachable; they must be placed without a search.
    RandomAccessVectorValues ravv = gaussian(17, 3_000, 16);
    java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(1);
    SegmentBuilder.BuiltGraph built;
    try {
      built =
          SegmentBuilder.buildGraph(
              ravv, Metric.COSINE, new IndexParams(4, 40, 40, 1.2f, 1.2f), pool, null, "random");
    } finally {
      pool.shutdown();
    }
    GraphReachability.Report report = built.reachability();

    assertThat(report.unreachable()).as("orphans the build left, %s", report).isGreaterThan(100);
    assertThat(report.searches())
        .as("graph searches in %s", report)
        .isLessThan(report.unreachable() / 10);
    assertThat(report.left()).as("nodes left in %s", report).isZero();
    assertThat(GraphReachability.reachable(built.graph()).cardinality()).isEqualTo(ravv.size());
  }

  /** {@code n} seeded Gaussian vectors of {@code dim}, in index form for cosine. */
  private static RandomAccessVectorValues gaussian(long seed, int n, int dim) {
    Random rnd = new Random(seed);
    List<VectorFloat<?>> vectors = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      float[] v = new float[dim];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) rnd.nextGaussian();
      }
      vectors.add(VTS.createFloatVector(Metric.COSINE.forIndex(v)));
    }
    return new ListRandomAccessVectorValues(vectors, dim);
  }

  /** Cuts every base-layer edge into {@code orphan}, as a concurrent build can. */
  private static void cutEdgesInto(
      OnHeapGraphIndex graph, RandomAccessVectorValues ravv, int orphan) throws Exception {
    var vsf = Metric.COSINE.indexSimilarity();
    try (var view = graph.getView()) {
      for (int node = 0; node < ravv.size(); node++) {
        int[] base = ids(view.getNeighborsIterator(0, node));
        if (java.util.Arrays.stream(base).anyMatch(m -> m == orphan)) {
          int[] kept = java.util.Arrays.stream(base).filter(m -> m != orphan).toArray();
          relink(graph, view, ravv, vsf, node, kept);
        }
      }
    }
  }

  /** Adds base-layer edges from {@code node} to other nodes (not the orphan) up to maxDegree. */
  private static void fillUp(
      OnHeapGraphIndex graph, RandomAccessVectorValues ravv, int node, int orphan, int maxDegree)
      throws Exception {
    var vsf = Metric.COSINE.indexSimilarity();
    try (var view = graph.getView()) {
      int[] base = ids(view.getNeighborsIterator(0, node));
      if (base.length >= maxDegree) {
        return;
      }
      List<Integer> edges = new ArrayList<>();
      for (int m : base) {
        edges.add(m);
      }
      for (int m = 0; edges.size() < maxDegree; m++) {
        if (m != node && m != orphan && !edges.contains(m)) {
          edges.add(m);
        }
      }
      relink(graph, view, ravv, vsf, node, edges.stream().mapToInt(Integer::intValue).toArray());
    }
  }

  /** Sets {@code node}'s base-layer edges to {@code base}, keeping its upper layers. */
  private static void relink(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues ravv,
      io.github.jbellis.jvector.vector.VectorSimilarityFunction vsf,
      int node,
      int[] base) {
    int top = graph.getMaxLevelForNode(node);
    NodeArray[] levels = new NodeArray[top + 1];
    for (int level = 0; level <= top; level++) {
      int[] edges = level == 0 ? base : ids(view.getNeighborsIterator(level, node));
      levels[level] = new NodeArray(Math.max(1, edges.length));
      for (int m : edges) {
        levels[level].insertSorted(m, vsf.compare(ravv.getVector(node), ravv.getVector(m)));
      }
    }
    graph.removeNode(node);
    for (int level = 0; level <= top; level++) {
      graph.connectNode(level, node, levels[level]);
    }
  }

  private static int[] ids(NodesIterator it) {
    int[] out = new int[it.size()];
    for (int i = 0; i < out.length && it.hasNext(); i++) {
      out[i] = it.nextInt();
    }
    return out;
  }
}
