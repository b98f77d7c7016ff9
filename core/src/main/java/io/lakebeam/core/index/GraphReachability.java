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
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.IntUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes every node of a freshly built graph reachable from its entry node on the base layer.
 *
 * <p>jVector's insertion can leave a node whose in-edges were all pruned away by nodes inserted
 * later or at the same time: no graph search reaches it, so its row is not even its own nearest
 * neighbour. In 400 two-thread builds of ten 4-dimensional vectors, 9 graphs had such nodes; at 5M
 * clustered vectors 4.4% of the nodes were unreachable. Each unreachable node is first placed among
 * its own neighbours (no search: the candidates a build chose for it), and only when none of them
 * qualifies among the reachable nodes a graph search finds nearest to it. Among either set of
 * candidates, in this order:
 *
 * <ol>
 *   <li>the most similar candidate with room gets the missing edge;
 *   <li>in a full graph, a candidate's edge to one of the orphan's <em>exits</em> (a reachable node
 *       the orphan leads to) is redirected to the orphan, which keeps the exit reachable;
 *   <li>the most similar candidate's edge to a neighbour that other reachable nodes also link to is
 *       redirected (a bridge: the case of a closed island of orphans, which leads to no reachable
 *       node);
 *   <li>only then, for at most {@value #MAX_FULL_SCANS} orphans, every reachable node is scanned
 *       for one with room.
 * </ol>
 *
 * Orphans are walked in ordinal order and an island's first placed member makes the rest reachable,
 * so a search is paid about once per closed island rather than once per orphan: at 5M vectors a
 * search per orphan cost ~66 ms each, four hours for 220,000 orphans.
 *
 * <p>No node gains a degree. Each pass ends with a fresh reachability check, and a node that a
 * redirected edge cut off is connected in the next pass. (A search enters the base layer wherever
 * the upper layers lead it, so this is the check that catches orphans, not a proof of strong
 * connectivity; segments no larger than the search beam are scored exactly in any case.)
 *
 * <pre>{@code
 * GraphReachability.Report report = GraphReachability.connect(builder.getGraph(), vectors, vsf);
 * }</pre>
 *
 * <p>Not thread-safe: call it on a finished graph, after {@code GraphIndexBuilder.cleanup()}.
 */
final class GraphReachability {
  private static final Logger LOG = LoggerFactory.getLogger(GraphReachability.class);

  /**
   * Beyond this many orphans that no strategy could place, stop scanning every reachable node for a
   * parent with room.
   */
  static final int MAX_FULL_SCANS = 1_000;

  /** Nodes a pass names in a warning when it cannot connect them; the rest are counted. */
  static final int LOGGED_FAILURES = 10;

  /** Reachability checks, each followed by a repair of what it found. */
  static final int MAX_PASSES = 4;

  /** Nodes and beam of the search for a parent near an orphan. */
  static final int SEARCH_K = 32;

  static final int SEARCH_BEAM = 100;

  /** Unreachable nodes walked from an orphan to find the reachable nodes it leads to. */
  static final int EXIT_WALK = 256;

  /** Exits near which to search for a node to redirect, when none near the orphan qualifies. */
  static final int EXITS_SEARCHED = 4;

  /**
   * What a repair did: the nodes unreachable after the build, the new edges by kind, the graph
   * searches it paid, the passes and the nodes still unreachable at the end.
   */
  record Report(
      int unreachable,
      int withRoom,
      int redirected,
      int bridged,
      int searches,
      int passes,
      int left) {
    static final Report NONE = new Report(0, 0, 0, 0, 0, 0, 0);

    int edges() {
      return withRoom + redirected + bridged;
    }
  }

  private final OnHeapGraphIndex graph;
  private final ImmutableGraphIndex.View view;
  private final RandomAccessVectorValues vectors;
  private final VectorSimilarityFunction vsf;
  private final int maxDegree;
  private final BitSet seen;

  /** In-edges from reachable nodes, counted on first need (the island case). */
  private int[] reachableInEdges;

  private int withRoom;
  private int redirected;
  private int bridged;
  private int searches;
  private int failed;

  private GraphReachability(
      OnHeapGraphIndex graph,
      ImmutableGraphIndex.View view,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      BitSet seen) {
    this.graph = graph;
    this.view = view;
    this.vectors = vectors;
    this.vsf = vsf;
    this.maxDegree = graph.getDegree(0);
    this.seen = seen;
  }

  /** The nodes reachable on the base layer from the graph's entry node. */
  static BitSet reachable(ImmutableGraphIndex graph) {
    BitSet seen = new BitSet(graph.getIdUpperBound());
    try (ImmutableGraphIndex.View view = graph.getView()) {
      ImmutableGraphIndex.NodeAtLevel entry = view.entryNode();
      if (entry != null) {
        visit(view, entry.node, seen, null);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return seen;
  }

  /**
   * Connects every node of {@code graph} (ordinals {@code 0..vectors.size()-1}) that the entry node
   * does not reach. A node is left (with a warning) only when no strategy found an edge for it.
   */
  static Report connect(
      ImmutableGraphIndex built, RandomAccessVectorValues vectors, VectorSimilarityFunction vsf) {
    return connect(built, vectors, vsf, MAX_FULL_SCANS);
  }

  /** {@link #connect}, scanning every reachable node for at most {@code maxFullScans} orphans. */
  static Report connect(
      ImmutableGraphIndex built,
      RandomAccessVectorValues vectors,
      VectorSimilarityFunction vsf,
      int maxFullScans) {
    int n = vectors.size();
    BitSet seen = reachable(built);
    if (seen.cardinality() >= n || seen.isEmpty()) {
      return Report.NONE;
    }
    int unreachable = n - seen.cardinality();
    LOG.info("Connecting {} of {} graph nodes the entry node does not reach", unreachable, n);
    if (!(built instanceof OnHeapGraphIndex graph)) {
      throw new IllegalStateException(
          "Cannot connect the graph's orphan nodes: " + built.getClass() + " is not mutable");
    }
    int withRoom = 0;
    int redirected = 0;
    int bridged = 0;
    int searches = 0;
    int passes = 0;
    int fullScans = maxFullScans;
    try (ImmutableGraphIndex.View view = graph.getView()) {
      while (seen.cardinality() < n && passes < MAX_PASSES) {
        passes++;
        GraphReachability pass = new GraphReachability(graph, view, vectors, vsf, seen);
        fullScans = pass.repair(n, fullScans);
        withRoom += pass.withRoom;
        redirected += pass.redirected;
        bridged += pass.bridged;
        searches += pass.searches;
        LOG.info(
            "Reachability pass {}: {} edges to nodes with room, {} redirected to exits, {} bridges,"
                + " {} graph searches, {} nodes not placed",
            passes,
            pass.withRoom,
            pass.redirected,
            pass.bridged,
            pass.searches,
            pass.failed);
        if (pass.edges() == 0) {
          break;
        }
        seen = reachable(graph);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int left = n - seen.cardinality();
    if (left > 0) {
      LOG.warn("{} of {} graph nodes are still unreachable after {} passes", left, n, passes);
    }
    return new Report(unreachable, withRoom, redirected, bridged, searches, passes, left);
  }

  private int edges() {
    return withRoom + redirected + bridged;
  }

  /** One pass over the unreachable nodes; returns the full scans still allowed. */
  private int repair(int n, int fullScans) throws IOException {
    for (int u = seen.nextClearBit(0); u < n; u = seen.nextClearBit(u + 1)) {
      VectorFloat<?> vu = held(u);
      int[] exits = exits(u);
      if (!place(u, vu, exits, neighbours(0, u), false)
          && !place(u, vu, exits, nearestReachable(vu), true)) {
        int parent = fullScans-- > 0 ? parentWithRoom(seen.stream().toArray(), vu) : -1;
        if (parent < 0) {
          if (failed++ < LOGGED_FAILURES) {
            LOG.warn("Cannot connect graph node {}: no strategy found an edge to it", u);
          }
          continue;
        }
        addEdge(parent, u, -1);
        withRoom++;
      }
      visit(view, u, seen, reachableInEdges);
    }
    return fullScans;
  }

  /**
   * Links {@code u} from one of the reachable {@code candidates}: one with room, else a redirected
   * edge to an exit (also from the nodes nearest a few exits when {@code searchExits}), else a
   * bridge. False when none qualifies.
   */
  private boolean place(
      int u, VectorFloat<?> vu, int[] exits, int[] candidates, boolean searchExits)
      throws IOException {
    int parent = parentWithRoom(candidates, vu);
    if (parent >= 0) {
      addEdge(parent, u, -1);
      withRoom++;
    } else if (exits.length > 0 && redirectToExit(u, exits, candidates, searchExits)) {
      redirected++;
    } else if (bridge(u, candidates)) {
      bridged++;
    } else {
      return false;
    }
    return true;
  }

  /**
   * The reachable nodes a graph search from the entry node finds nearest to {@code vu}, nearest
   * first. One search costs about a query's work; a scan of every reachable node per orphan cost
   * minutes at millions of nodes.
   */
  private int[] nearestReachable(VectorFloat<?> vu) throws IOException {
    searches++;
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
   * For a full graph (no candidate has room): in a reachable node {@code p} that links to one of
   * {@code u}'s {@link #exits} {@code w}, replaces {@code p -> w} by {@code p -> u}. {@code w}
   * stays reachable through {@code p -> u -> ... -> w}, {@code p} through the path that reached it.
   * {@code p} is the candidate most similar to {@code u} that qualifies; with {@code searchExits},
   * failing that, one of the nodes nearest to a few exits (which likely link to them).
   */
  private boolean redirectToExit(int u, int[] exits, int[] candidates, boolean searchExits)
      throws IOException {
    if (redirectFrom(u, exits, candidates)) {
      return true;
    }
    for (int i = 0; searchExits && i < Math.min(EXITS_SEARCHED, exits.length); i++) {
      if (redirectFrom(u, exits, nearestReachable(held(exits[i])))) {
        return true;
      }
    }
    return false;
  }

  private boolean redirectFrom(int u, int[] exits, int[]... candidateLists) {
    return redirect(u, candidateLists, p -> farthestExit(u, p, exits));
  }

  /** The neighbour of {@code p} among {@code exits} least similar to {@code p}, or -1. */
  private int farthestExit(int u, int p, int[] exits) {
    VectorFloat<?> vp = held(p);
    int w = -1;
    float wScore = Float.POSITIVE_INFINITY;
    for (int m : neighbours(0, p)) {
      if (m != u && contains(exits, m)) {
        float ms = vsf.compare(vp, vectors.getVector(m));
        if (ms < wScore) {
          w = m;
          wScore = ms;
        }
      }
    }
    return w;
  }

  /**
   * For an orphan that leads to no reachable node (its island of orphans links only to itself), or
   * whose exits no near node links to: the most similar reachable candidate {@code p} drops its
   * edge to the neighbour that most other reachable nodes also link to, and links to {@code u}
   * instead. The dropped neighbour keeps an in-edge from a reachable node; if that node was reached
   * only through it, the next pass's check finds it and connects it.
   */
  private boolean bridge(int u, int[] candidates) {
    if (reachableInEdges == null) {
      reachableInEdges = countReachableInEdges();
    }
    return redirect(u, new int[][] {candidates}, p -> mostLinkedNeighbour(u, p));
  }

  /**
   * The reachable neighbour of {@code p} with the most in-edges from reachable nodes (2+), or -1.
   */
  private int mostLinkedNeighbour(int u, int p) {
    int w = -1;
    for (int m : neighbours(0, p)) {
      if (m != u
          && seen.get(m)
          && reachableInEdges[m] >= 2
          && (w < 0 || reachableInEdges[m] > reachableInEdges[w])) {
        w = m;
      }
    }
    return w;
  }

  /**
   * Replaces {@code p -> drop} by {@code p -> u} in the reachable candidate {@code p} most similar
   * to {@code u} for which {@code dropOf} names an edge to give up; false when none does.
   */
  private boolean redirect(int u, int[][] candidateLists, IntUnaryOperator dropOf) {
    VectorFloat<?> vu = held(u);
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
        int w = dropOf.applyAsInt(p);
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
    addEdge(best, u, drop);
    return true;
  }

  private int[] countReachableInEdges() {
    int[] counts = new int[graph.getIdUpperBound()];
    for (int p = seen.nextSetBit(0); p >= 0; p = seen.nextSetBit(p + 1)) {
      NodesIterator it = view.getNeighborsIterator(0, p);
      while (it.hasNext()) {
        counts[it.nextInt()]++;
      }
    }
    return counts;
  }

  /**
   * The reachable nodes {@code u} links to, directly or through unreachable nodes only (a
   * breadth-first walk of at most {@value #EXIT_WALK} unreachable nodes): after an edge into {@code
   * u}, each stays reachable whatever edge of a reachable node is dropped.
   */
  private int[] exits(int u) {
    int[] queue = new int[EXIT_WALK];
    int head = 0;
    int tail = 0;
    Set<Integer> walked = new HashSet<>();
    LinkedHashSet<Integer> exits = new LinkedHashSet<>();
    queue[tail++] = u;
    walked.add(u);
    while (head < tail) {
      for (int m : neighbours(0, queue[head++])) {
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
  private int parentWithRoom(int[] candidates, VectorFloat<?> vu) {
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
  private void addEdge(int from, int to, int drop) {
    int top = graph.getMaxLevelForNode(from);
    NodeArray[] levels = new NodeArray[top + 1];
    VectorFloat<?> v = held(from);
    for (int level = 0; level <= top; level++) {
      int[] old = neighbours(level, from);
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
    if (reachableInEdges != null) {
      if (drop >= 0) {
        reachableInEdges[drop]--;
      }
      reachableInEdges[to]++;
    }
  }

  /**
   * Vector {@code node}, still valid after other reads: a copy when the values are shared (a mapped
   * build reuses one vector per reader).
   */
  private VectorFloat<?> held(int node) {
    VectorFloat<?> v = vectors.getVector(node);
    return vectors.isValueShared() ? v.copy() : v;
  }

  private int[] neighbours(int level, int node) {
    NodesIterator it = view.getNeighborsIterator(level, node);
    int[] out = new int[it.size()];
    for (int i = 0; i < out.length && it.hasNext(); i++) {
      out[i] = it.nextInt();
    }
    return out;
  }

  /**
   * Breadth-first from {@code start}, marking every node it reaches in {@code seen} and, when
   * {@code inEdges} is given, counting the edges of each newly reached node.
   */
  private static void visit(ImmutableGraphIndex.View view, int start, BitSet seen, int[] inEdges) {
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
        if (inEdges != null) {
          inEdges[m]++;
        }
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
