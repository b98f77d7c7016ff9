package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodeArray;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every node of a freshly built graph reachable from its entry node on the base layer.
 *
 * <p>jVector's concurrent insertion ({@code GraphIndexBuilder} with more than one thread) can leave
 * a node whose in-edges were all pruned away by nodes inserted at the same time: no graph search
 * reaches it, so its row is not even its own nearest neighbour. In 400 two-thread builds of ten
 * 4-dimensional vectors, 9 graphs had such nodes (3 in 100 builds of 1,000 16-dimensional ones);
 * none in as many one-thread builds. For each unreachable node this adds the missing back-edge from
 * its most similar reachable node that has room (one of its own neighbours first), so the graph
 * written to disk is connected from the entry node. (A search enters the base layer wherever the
 * upper layers lead it, so this is the check that catches orphans, not a proof of strong
 * connectivity; segments no larger than the search beam are scored exactly in any case.)
 *
 * <pre>{@code
 * int repaired = GraphReachability.connect(builder.getGraph(), vectors, similarity);
 * }</pre>
 *
 * <p>Not thread-safe: call it on a finished graph, after {@code GraphIndexBuilder.cleanup()}.
 */
final class GraphReachability {
  private static final Logger LOG = LoggerFactory.getLogger(GraphReachability.class);

  /** Beyond this many orphans, stop scanning every reachable node for a parent with room. */
  static final int MAX_FULL_SCANS = 1_000;

  private GraphReachability() {}

  /** The nodes reachable on the base layer from the graph's entry node. */
  static BitSet reachable(ImmutableGraphIndex graph) {
    BitSet seen = new BitSet(graph.getIdUpperBound());
    try (ImmutableGraphIndex.View view = graph.getView()) {
      ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
      if (entry != null) {
        visit(view, entry.node, seen);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return seen;
  }

  /**
   * Connects every node of {@code graph} (ordinals {@code 0..vectors.size()-1}) that the entry node
   * does not reach; returns how many needed a new edge. A node is left (with a warning) only when
   * no reachable node has room for one more edge.
   */
  static int connect(
      ImmutableGraphIndex built, RandomAccessVectorValues vectors, VectorSimilarityFunction vsf) {
    int n = vectors.size();
    BitSet seen = reachable(built);
    if (seen.cardinality() >= n || seen.isEmpty()) {
      return 0;
    }
    if (!(built instanceof OnHeapGraphIndex graph)) {
      throw new IllegalStateException(
          "Cannot connect the graph's orphan nodes: " + built.getClass() + " is not mutable");
    }
    int maxDegree = graph.getDegree(0);
    int repaired = 0;
    int fullScans = 0;
    try (ImmutableGraphIndex.View view = graph.getView()) {
      for (int u = seen.nextClearBit(0); u < n; u = seen.nextClearBit(u + 1)) {
        VectorFloat<?> vu = vectors.getVector(u);
        int parent = bestParent(view, neighbours(view, u), seen, vectors, vu, vsf, maxDegree);
        if (parent < 0 && fullScans++ < MAX_FULL_SCANS) {
          parent = bestParent(view, seen.stream().toArray(), seen, vectors, vu, vsf, maxDegree);
        }
        if (parent < 0) {
          LOG.warn("Cannot connect graph node {}: no reachable node has room for an edge", u);
          continue;
        }
        addEdge(graph, view, vectors, vsf, parent, u);
        visit(view, u, seen);
        repaired++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return repaired;
  }

  /** The reachable candidate most similar to {@code vu} with fewer than maxDegree edges, or -1. */
  private static int bestParent(
      ImmutableGraphIndex.View view,
      int[] candidates,
      BitSet seen,
      RandomAccessVectorValues vectors,
      VectorFloat<?> vu,
      VectorSimilarityFunction vsf,
      int maxDegree) {
    int best = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int c : candidates) {
      if (!seen.get(c) || neighbours(view, c).length >= maxDegree) {
        continue;
      }
      float s = vsf.compare(vu, vectors.getVector(c));
      if (s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    return best;
  }

  /**
   * Adds the edge {@code from -> to} on the base layer. jVector's own edge insertion re-applies the
   * diversity rule that dropped such edges, so the node's edges are set again, level by level.
   */
  private static void addEdge(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      int from,
      int to) {
    int top = graph.getMaxLevelForNode(from);
    NodeArray[] levels = new NodeArray[top + 1];
    VectorFloat<?> v = vectors.getVector(from);
    for (int level = 0; level <= top; level++) {
      int[] old = neighbours(view, level, from);
      levels[level] = new NodeArray(old.length + 1);
      for (int o : old) {
        levels[level].insertSorted(o, vsf.compare(v, vectors.getVector(o)));
      }
    }
    levels[0].insertSorted(to, vsf.compare(v, vectors.getVector(to)));
    graph.removeNode(from);
    for (int level = 0; level <= top; level++) {
      graph.connectNode(level, from, levels[level]);
    }
  }

  private static int[] neighbours(ImmutableGraphIndex.View view, int node) {
    return neighbours(view, 0, node);
  }

  private static int[] neighbours(ImmutableGraphIndex.View view, int level, int node) {
    NodesIterator it = view.getNeighborsIterator(level, node);
    int[] out = new int[it.size()];
    for (int i = 0; i < out.length && it.hasNext(); i++) {
      out[i] = it.nextInt();
    }
    return out;
  }

  /** Breadth-first from {@code start}, marking every node it reaches in {@code seen}. */
  private static void visit(ImmutableGraphIndex.View view, int start, BitSet seen) {
    if (seen.get(start)) {
      return;
    }
    int[] queue = new int[16];
    int head = 0;
    int tail = 0;
    seen.set(start);
    queue[tail++] = start;
    while (head < tail) {
      int node = queue[head++];
      NodesIterator it = view.getNeighborsIterator(0, node);
      while (it.hasNext()) {
        int m = it.nextInt();
        if (!seen.get(m)) {
          seen.set(m);
          if (tail == queue.length) {
            queue = Arrays.copyOf(queue, queue.length * 2);
          }
          queue[tail++] = m;
        }
      }
    }
  }
}
