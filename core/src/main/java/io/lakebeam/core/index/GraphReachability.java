package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodeArray;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.OnHeapGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
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
 * a similar reachable node that has room (its most similar own neighbour first, else the nearest a
 * graph search finds); in a graph whose nodes are all full, a near node's edge to one of the
 * orphan's own neighbours is redirected to the orphan. So the graph written to disk is connected
 * from the entry node. (A search enters the base layer wherever the upper layers lead it, so this
 * is the check that catches orphans, not a proof of strong connectivity; segments no larger than
 * the search beam are scored exactly in any case.)
 *
 * <pre>{@code
 * int repaired = GraphReachability.connect(builder.getGraph(), vectors, similarity);
 * }</pre>
 *
 * <p>Not thread-safe: call it on a finished graph, after {@code GraphIndexBuilder.cleanup()}.
 */
final class GraphReachability {
  private static final Logger LOG = LoggerFactory.getLogger(GraphReachability.class);

  /**
   * Beyond this many orphans that neither their neighbours nor a graph search could place, stop
   * scanning every reachable node for a parent with room.
   */
  static final int MAX_FULL_SCANS = 1_000;

  /**
   * Nodes and beam of the search for a parent, when none of an orphan's own neighbours has room.
   */
  static final int SEARCH_K = 32;

  static final int SEARCH_BEAM = 100;

  /** Unreachable nodes walked from an orphan to find the reachable nodes it leads to. */
  static final int EXIT_WALK = 256;

  /** Exits near which to search for a node to redirect, when none near the orphan qualifies. */
  static final int EXITS_SEARCHED = 4;

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
   * neither a parent with room nor an edge to redirect was found.
   */
  static int connect(
      ImmutableGraphIndex built, RandomAccessVectorValues vectors, VectorSimilarityFunction vsf) {
    return connect(built, vectors, vsf, MAX_FULL_SCANS);
  }

  /** {@link #connect}, scanning every reachable node for at most {@code maxFullScans} orphans. */
  static int connect(
      ImmutableGraphIndex built,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      int maxFullScans) {
    int n = vectors.size();
    BitSet seen = reachable(built);
    if (seen.cardinality() >= n || seen.isEmpty()) {
      return 0;
    }
    LOG.info(
        "Connecting {} of {} graph nodes the entry node does not reach", n - seen.cardinality(), n);
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
        int[] own = neighbours(view, u);
        int parent = bestParent(view, own, seen, vectors, vu, vsf, maxDegree);
        int[] near = new int[0];
        if (parent < 0) {
          near = nearestReachable(graph, seen, vectors, vu, vsf);
          parent = bestParent(view, near, seen, vectors, vu, vsf, maxDegree);
        }
        if (parent >= 0) {
          addEdge(graph, view, vectors, vsf, parent, u, -1);
        } else if (!swapEdge(graph, view, vectors, vsf, seen, u, own, near)) {
          parent =
              fullScans++ < maxFullScans
                  ? bestParent(view, seen.stream().toArray(), seen, vectors, vu, vsf, maxDegree)
                  : -1;
          if (parent < 0) {
            LOG.warn("Cannot connect graph node {}: no reachable node has room for an edge", u);
            continue;
          }
          addEdge(graph, view, vectors, vsf, parent, u, -1);
        }
        visit(view, u, seen);
        repaired++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return repaired;
  }

  /**
   * The reachable nodes a graph search from the entry node finds nearest to {@code vu}, nearest
   * first. One search costs about a query's work; a scan of every reachable node per orphan cost
   * minutes at millions of nodes.
   */
  private static int[] nearestReachable(
      OnHeapGraphIndex graph,
      BitSet seen,
      RandomAccessVectorValues vectors,
      VectorFloat<?> vu,
      VectorSimilarityFunction vsf)
      throws IOException {
    try (GraphSearcher searcher = new GraphSearcher(graph)) {
      Bits reachable = seen::get;
      SearchResult.NodeScore[] nodes =
          searcher
              .search(
                  DefaultSearchScoreProvider.exact(vu, vsf, vectors),
                  SEARCH_K,
                  SEARCH_BEAM,
                  0f,
                  0f,
                  reachable)
              .getNodes();
      int[] out = new int[nodes.length];
      for (int i = 0; i < nodes.length; i++) {
        out[i] = nodes[i].node;
      }
      return out;
    }
  }

  /**
   * For a full graph (no candidate has room): in a reachable node {@code p} that links to a node
   * {@code w} which {@code u} reaches without passing a reachable node (one of {@code u}'s {@link
   * #exits}), replaces {@code p -> w} by {@code p -> u}. {@code w} stays reachable through {@code p
   * -> u -> ... -> w}, {@code p} through the path that reached it, and no node gains a degree.
   * Candidates for {@code p}, in order: {@code u}'s reachable neighbours and the searched nodes
   * nearest to {@code u} (the most similar to {@code u} that qualifies), then the nodes nearest to
   * a few exits (which likely link to them). Returns whether an edge was swapped.
   */
  private static boolean swapEdge(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      BitSet seen,
      int u,
      int[] own,
      int[] near)
      throws IOException {
    int[] exits = exits(view, u, seen);
    if (exits.length == 0) {
      return false;
    }
    if (swapIn(graph, view, vectors, vsf, seen, u, exits, own, near)) {
      return true;
    }
    for (int i = 0; i < Math.min(EXITS_SEARCHED, exits.length); i++) {
      int[] nearExit = nearestReachable(graph, seen, vectors, vectors.getVector(exits[i]), vsf);
      if (swapIn(graph, view, vectors, vsf, seen, u, exits, nearExit)) {
        return true;
      }
    }
    return false;
  }

  private static boolean swapIn(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      BitSet seen,
      int u,
      int[] exits,
      int[]... candidateLists) {
    VectorFloat<?> vu = vectors.getVector(u);
    int best = -1;
    int drop = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int[] candidates : candidateLists) {
      for (int p : candidates) {
        if (p == u || !seen.get(p)) {
          continue;
        }
        float score = vsf.compare(vu, vectors.getVector(p));
        if (score <= bestScore) {
          continue;
        }
        VectorFloat<?> vp = vectors.getVector(p);
        int w = -1;
        float wScore = Float.POSITIVE_INFINITY;
        for (int m : neighbours(view, p)) {
          if (m != u && contains(exits, m)) {
            float ms = vsf.compare(vp, vectors.getVector(m));
            if (ms < wScore) {
              w = m;
              wScore = ms;
            }
          }
        }
        if (w >= 0) {
          best = p;
          drop = w;
          bestScore = score;
        }
      }
    }
    if (best < 0) {
      return false;
    }
    addEdge(graph, view, vectors, vsf, best, u, drop);
    return true;
  }

  /**
   * The reachable nodes {@code u} links to, directly or through unreachable nodes only (a
   * breadth-first walk of at most {@value #EXIT_WALK} unreachable nodes): after an edge into {@code
   * u}, each stays reachable whatever edge of a reachable node is dropped.
   */
  private static int[] exits(ImmutableGraphIndex.View view, int u, BitSet seen) {
    int[] queue = new int[EXIT_WALK];
    int head = 0;
    int tail = 0;
    java.util.Set<Integer> walked = new java.util.HashSet<>();
    java.util.LinkedHashSet<Integer> exits = new java.util.LinkedHashSet<>();
    queue[tail++] = u;
    walked.add(u);
    while (head < tail) {
      for (int m : neighbours(view, queue[head++])) {
        if (seen.get(m)) {
          exits.add(m);
        } else if (tail < queue.length && walked.add(m)) {
          queue[tail++] = m;
        }
      }
    }
    return exits.stream().mapToInt(Integer::intValue).toArray();
  }

  private static boolean contains(int[] values, int value) {
    for (int v : values) {
      if (v == value) {
        return true;
      }
    }
    return false;
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
      if (!seen.get(c) || view.getNeighborsIterator(0, c).size() >= maxDegree) {
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
   * Adds the edge {@code from -> to} on the base layer, dropping {@code from -> drop} unless {@code
   * drop} is -1. jVector's own edge insertion re-applies the diversity rule that dropped such
   * edges, so the node's edges are set again, level by level.
   */
  private static void addEdge(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      int from,
      int to,
      int drop) {
    int top = graph.getMaxLevelForNode(from);
    NodeArray[] levels = new NodeArray[top + 1];
    VectorFloat<?> v = vectors.getVector(from);
    for (int level = 0; level <= top; level++) {
      int[] old = neighbours(view, level, from);
      levels[level] = new NodeArray(old.length + 1);
      for (int o : old) {
        if (level == 0 && o == drop) {
          continue;
        }
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
