package io.lakebeam.bench;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ForkJoinPool;

/**
 * jVector in-process, with the hyperparameters Lakebeam's index uses by default ({@code M}=16,
 * {@code ef_construction}=100, {@code alpha}=1.2, {@code neighbor_overflow}=1.2, hierarchy on,
 * final refinement on, DOT_PRODUCT on normalised vectors): the engine under Lakebeam without
 * Iceberg, Flight or the network. Same inputs, sweep and JSON shape as {@link LuceneHnswBench}; the
 * breadth is the search beam width ({@code rerankK}, Lakebeam's {@code ef}).
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp ... io.lakebeam.bench.JVectorBench --data bench/data
 * }</pre>
 *
 * Thread-safety: the graph is shared; each thread has its own {@link GraphSearcher}.
 */
public final class JVectorBench {
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  private JVectorBench() {}

  public static void main(String[] args) throws Exception {
    LuceneHnswBench.Args a = LuceneHnswBench.Args.parse(args);
    float[][] corpus = BenchData.readF32(a.data.resolve("corpus.f32"), a.dim);
    float[][] queries = BenchData.readF32(a.data.resolve("queries.f32"), a.dim);
    long[][] truth = BenchData.readNpyInt64(a.data.resolve("ground_truth.npy"));
    List<VectorFloat<?>> vectors = new ArrayList<>(corpus.length);
    for (float[] v : corpus) {
      vectors.add(VTS.createFloatVector(v));
    }
    RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, a.dim);
    VectorSimilarityFunction vsf = VectorSimilarityFunction.DOT_PRODUCT;
    ForkJoinPool pool = new ForkJoinPool(a.buildThreads);
    long t0 = System.nanoTime();
    ImmutableGraphIndex graph;
    try (GraphIndexBuilder builder =
        new GraphIndexBuilder(
            BuildScoreProvider.randomAccessScoreProvider(ravv, vsf),
            a.dim,
            a.m,
            a.beamWidth,
            1.2f,
            1.2f,
            true,
            true,
            pool,
            pool)) {
      graph = builder.build(ravv);
    }
    double buildS = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    ThreadLocal<GraphSearcher> searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    SearchSweep.Searcher s =
        (q, k, breadth) -> {
          VectorFloat<?> qv = VTS.createFloatVector(q);
          SearchResult r =
              searchers
                  .get()
                  .search(
                      DefaultSearchScoreProvider.exact(qv, vsf, ravv),
                      k,
                      Math.max(k, breadth),
                      0f,
                      0f,
                      Bits.ALL);
          SearchResult.NodeScore[] ns = r.getNodes();
          long[] ids = new long[ns.length];
          for (int i = 0; i < ns.length; i++) {
            ids[i] = ns[i].node;
          }
          return ids;
        };
    List<String> rows = new ArrayList<>();
    for (int c : a.candidates) {
      rows.add(SearchSweep.run(s, queries, truth, a.k, c, a.threads, a.minQueries));
      System.err.println("jvector ef=" + c + ": " + rows.get(rows.size() - 1));
      if (SearchSweep.recallOf(rows.get(rows.size() - 1)) >= a.stopRecall) {
        break;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "{\"system\": \"jvector-inprocess\", \"rows\": %d, \"params\": {\"M\": %d, \"ef_construction\": %d,"
            + " \"alpha\": 1.2, \"neighbor_overflow\": 1.2, \"build_threads\": %d}, \"build_s\": %.2f,"
            + " \"build_vps\": %.1f, \"breadth_name\": \"ef\", \"sweep\": [%s]}%n",
        corpus.length,
        a.m,
        a.beamWidth,
        a.buildThreads,
        buildS,
        corpus.length / buildS,
        String.join(", ", rows));
  }
}
