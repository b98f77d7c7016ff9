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
    Random rnd = new Random(7);
    List<VectorFloat<?>> vectors = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      float[] v = new float[8];
      for (int d = 0; d < v.length; d++) {
        v[d] = (float) rnd.nextGaussian();
      }
      vectors.add(VTS.createFloatVector(Metric.COSINE.forIndex(v)));
    }
    RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, 8);
    ImmutableGraphIndex graph =
        SegmentBuilder.buildGraph(ravv, Metric.COSINE, IndexParams.defaults(), 1, "random");
    int entry;
    try (var view = graph.getView()) {
      entry = view.entryNode().node;
    }
    int orphan = entry == 42 ? 43 : 42;
    // Cut every base-layer edge into the orphan, as a concurrent build can.
    OnHeapGraphIndex mutable = (OnHeapGraphIndex) graph;
    var vsf = Metric.COSINE.indexSimilarity();
    try (var view = graph.getView()) {
      for (int node = 0; node < ravv.size(); node++) {
        int top = mutable.getMaxLevelForNode(node);
        NodeArray[] levels = new NodeArray[top + 1];
        boolean cut = false;
        for (int level = 0; level <= top; level++) {
          levels[level] = new NodeArray(32);
          NodesIterator it = view.getNeighborsIterator(level, node);
          while (it.hasNext()) {
            int m = it.nextInt();
            if (level == 0 && m == orphan) {
              cut = true;
            } else {
              levels[level].insertSorted(m, vsf.compare(ravv.getVector(node), ravv.getVector(m)));
            }
          }
        }
        if (cut) {
          mutable.removeNode(node);
          for (int level = 0; level <= top; level++) {
            mutable.connectNode(level, node, levels[level]);
          }
        }
      }
    }
    BitSet before = GraphReachability.reachable(graph);
    assertThat(before.get(orphan)).isFalse();

    assertThat(GraphReachability.connect(graph, ravv, Metric.COSINE.indexSimilarity()))
        .isEqualTo(1);
    assertThat(GraphReachability.reachable(graph).cardinality()).isEqualTo(ravv.size());
  }
}
