package io.lakebeam.bench;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.DataFile;

/**
 * Lakebeam's {@code create_index} in-process, as a JVM peer of {@link LuceneHnswBench}: registers
 * {@code DATA/corpus/*.parquet} as an external collection, builds the field's index through {@link
 * IndexService#build} (read from Parquet, graph, PQ codes, files, Iceberg commit: the whole of
 * create_index without Flight) and sweeps {@code ef} for recall@k against the ground truth. Prints
 * one JSON object in the shape of the other JVM peers.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector -cp ... io.lakebeam.bench.LakebeamBuildBench \
 *     --data /work/data/ann200k --m 32 --beam-width 100 --candidates 40,80 --min-queries 200
 * }</pre>
 *
 * <p>{@code --m} is jVector's maximum degree on every layer: 32 gives the base layer the degree of
 * Lucene's and faiss's M=16.
 */
public final class LakebeamBuildBench {
  private LakebeamBuildBench() {}

  public static void main(String[] args) throws Exception {
    LuceneHnswBench.Args a = LuceneHnswBench.Args.parse(args);
    float[][] queries = BenchData.readF32(a.data.resolve("queries.f32"), a.dim);
    long[][] truth = BenchData.readNpyInt64(a.data.resolve("ground_truth.npy"));
    Path corpus = a.data.resolve("corpus").toAbsolutePath();
    Path work = Files.createTempDirectory("lakebeam-build-bench");
    try (Lakehouse lake =
        Lakehouse.open(
            LakehouseConfig.of(work.resolve("lake").toString())
                .withAllowedSources(List.of(corpus.toString())))) {
      lake.createExternalCollection(
          "bench",
          corpus + "/*.parquet",
          Map.of("embedding", "float_vector(" + a.dim + ")"),
          Metric.COSINE,
          true);
      Collection c = lake.collection("bench");
      IndexParams params = IndexParams.fromMap(Map.of("m", a.m, "ef_construction", a.beamWidth));
      long t0 = System.nanoTime();
      IndexService.BuildResult built = lake.indexes().build(c, "embedding", null, params);
      double buildS = (System.nanoTime() - t0) / 1e9;
      System.err.printf(
          Locale.ROOT,
          "lakebeam create_index: %d vectors in %.1f s (%.0f vectors/s)%n",
          built.rowsIndexed(),
          buildS,
          built.rowsIndexed() / buildS);
      Map<String, Long> firstId = firstIds(c);
      SearchSweep.Searcher s =
          (q, k, breadth) -> {
            List<SearchHit> hits =
                lake.indexes()
                    .search(c, new SearchRequest("embedding", new float[][] {q}, k, breadth, null))
                    .get(0);
            long[] ids = new long[hits.size()];
            for (int i = 0; i < ids.length; i++) {
              ids[i] = firstId.get(hits.get(i).file()) + hits.get(i).pos();
            }
            return ids;
          };
      List<String> rows = new ArrayList<>();
      for (int ef : a.candidates) {
        rows.add(SearchSweep.run(s, queries, truth, a.k, ef, a.threads, a.minQueries));
        System.err.println("lakebeam ef=" + ef + ": " + rows.get(rows.size() - 1));
        if (SearchSweep.recallOf(rows.get(rows.size() - 1)) >= a.stopRecall) {
          break;
        }
      }
      System.out.printf(
          Locale.ROOT,
          "{\"system\": \"lakebeam-create-index\", \"rows\": %d, \"segments\": %d,"
              + " \"params\": {\"M\": %d, \"ef_construction\": %d, \"similarity\": \"COSINE\","
              + " \"build_threads\": %d}, \"build_s\": %.2f, \"build_vps\": %.1f,"
              + " \"breadth_name\": \"ef\", \"sweep\": [%s]}%n",
          built.rowsIndexed(),
          built.segments(),
          a.m,
          a.beamWidth,
          Runtime.getRuntime().availableProcessors(),
          buildS,
          built.rowsIndexed() / buildS,
          String.join(", ", rows));
    } finally {
      try (Stream<Path> files = Files.walk(work)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /**
   * The corpus id of each file's first row: files hold consecutive ids in name order ({@code
   * make_dataset.py} writes them so).
   */
  private static Map<String, Long> firstIds(Collection c) {
    List<DataFile> files = new ArrayList<>(c.liveFiles());
    files.sort(Comparator.comparing(f -> f.path().toString()));
    Map<String, Long> first = new HashMap<>();
    long next = 0;
    for (DataFile f : files) {
      first.put(f.path().toString(), next);
      next += f.recordCount();
    }
    return first;
  }
}
