package io.lakebeam.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene103.Lucene103Codec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * Lucene 10 HNSW as a peer: builds one {@code KnnFloatVectorField} index (DOT_PRODUCT on the
 * L2-normalised vectors, i.e. cosine; {@code M}=16, {@code beamWidth}=100, merged to one segment)
 * from the raw float32 files that {@code bench/make_dataset.py} writes, then sweeps {@code
 * numCandidates} (Lucene's search breadth: the {@code k} of {@link KnnFloatVectorQuery}, keeping
 * the best 10) and prints one JSON object: build time and, per setting, recall@10, p50/p99 latency
 * from one thread and QPS from 1 and N threads.
 *
 * <pre>{@code
 * java -cp ... io.lakebeam.bench.LuceneHnswBench --data bench/data --dim 384 \
 *     --candidates 10,20,40,80,160 --threads 8 --build-threads 2
 * }</pre>
 *
 * Settings are measured in ascending order until recall@10 reaches {@code --stop-recall}. Index
 * building uses {@code --build-threads} indexing threads (one segment each, graphs built
 * concurrently) and the same number of HNSW merge workers for the final {@code forceMerge(1)}.
 * Searching is thread-safe: one shared {@link IndexSearcher}.
 */
public final class LuceneHnswBench {
  static final int DEFAULT_MAX_CONN = 16;
  static final int DEFAULT_BEAM_WIDTH = 100;

  private LuceneHnswBench() {}

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    float[][] corpus = BenchData.readF32(a.data.resolve("corpus.f32"), a.dim);
    float[][] queries = BenchData.readF32(a.data.resolve("queries.f32"), a.dim);
    long[][] truth = BenchData.readNpyInt64(a.data.resolve("ground_truth.npy"));
    Path dir = Files.createTempDirectory("lucene-hnsw-bench");
    ExecutorService mergeExec = Executors.newFixedThreadPool(a.buildThreads);
    try (Directory fs = FSDirectory.open(dir)) {
      long t0 = System.nanoTime();
      build(fs, corpus, a, mergeExec);
      double buildS = (System.nanoTime() - t0) / 1e9;
      try (DirectoryReader reader = DirectoryReader.open(fs)) {
        IndexSearcher searcher = new IndexSearcher(reader);
        searcher.setQueryCache(null);
        long[] docToId = docToId(reader);
        SearchSweep.Searcher s =
            (q, k, breadth) -> {
              TopDocs td =
                  searcher.search(new KnnFloatVectorQuery("v", q, Math.max(k, breadth)), k);
              long[] ids = new long[td.scoreDocs.length];
              int i = 0;
              for (ScoreDoc sd : td.scoreDocs) {
                ids[i++] = docToId[sd.doc];
              }
              return ids;
            };
        List<String> rows = new ArrayList<>();
        for (int c : a.candidates) {
          rows.add(SearchSweep.run(s, queries, truth, a.k, c, a.threads, a.minQueries));
          System.err.println("lucene numCandidates=" + c + ": " + rows.get(rows.size() - 1));
          if (SearchSweep.recallOf(rows.get(rows.size() - 1)) >= a.stopRecall) {
            break;
          }
        }
        System.out.printf(
            Locale.ROOT,
            "{\"system\": \"lucene-hnsw\", \"version\": \"%s\", \"rows\": %d, \"segments\": %d,"
                + " \"params\": {\"M\": %d, \"beamWidth\": %d, \"similarity\": \"DOT_PRODUCT\","
                + " \"build_threads\": %d}, \"build_s\": %.2f, \"build_vps\": %.1f,"
                + " \"breadth_name\": \"numCandidates\", \"sweep\": [%s]}%n",
            org.apache.lucene.util.Version.LATEST,
            corpus.length,
            reader.leaves().size(),
            a.m,
            a.beamWidth,
            a.buildThreads,
            buildS,
            corpus.length / buildS,
            String.join(", ", rows));
      }
    } finally {
      mergeExec.shutdownNow();
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void build(Directory fs, float[][] corpus, Args a, ExecutorService mergeExec)
      throws Exception {
    KnnVectorsFormat format =
        new Lucene99HnswVectorsFormat(a.m, a.beamWidth, a.buildThreads, mergeExec);
    IndexWriterConfig cfg =
        new IndexWriterConfig()
            .setCodec(
                new Lucene103Codec() {
                  @Override
                  public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                    return format;
                  }
                })
            .setRAMBufferSizeMB(2000)
            .setRAMPerThreadHardLimitMB(2000)
            .setUseCompoundFile(false);
    try (IndexWriter w = new IndexWriter(fs, cfg)) {
      ExecutorService pool = Executors.newFixedThreadPool(a.buildThreads);
      try {
        List<Future<?>> fs2 = new ArrayList<>();
        for (int t = 0; t < a.buildThreads; t++) {
          int from = (int) ((long) corpus.length * t / a.buildThreads);
          int to = (int) ((long) corpus.length * (t + 1) / a.buildThreads);
          fs2.add(
              pool.submit(
                  () -> {
                    for (int i = from; i < to; i++) {
                      Document d = new Document();
                      d.add(
                          new KnnFloatVectorField(
                              "v", corpus[i], VectorSimilarityFunction.DOT_PRODUCT));
                      d.add(new NumericDocValuesField("id", i));
                      w.addDocument(d);
                    }
                    return null;
                  }));
        }
        for (Future<?> f : fs2) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
      w.forceMerge(1);
      w.commit();
    }
  }

  private static long[] docToId(DirectoryReader reader) throws IOException {
    long[] out = new long[reader.maxDoc()];
    for (LeafReaderContext leaf : reader.leaves()) {
      NumericDocValues dv = leaf.reader().getNumericDocValues("id");
      for (int d = dv.nextDoc(); d != NumericDocValues.NO_MORE_DOCS; d = dv.nextDoc()) {
        out[leaf.docBase + d] = dv.longValue();
      }
    }
    return out;
  }

  /** Command-line options; every one has a default. */
  static final class Args {
    Path data = Path.of("bench/data");
    int dim = 384;
    int k = 10;
    int m = DEFAULT_MAX_CONN;
    int beamWidth = DEFAULT_BEAM_WIDTH;
    int threads = 8;
    int buildThreads = Runtime.getRuntime().availableProcessors();
    int minQueries = 2000;
    double stopRecall = 1.01;
    int[] candidates = {10, 20, 40, 80, 160};

    static Args parse(String[] argv) {
      Args a = new Args();
      for (int i = 0; i < argv.length; i += 2) {
        if (i + 1 >= argv.length) {
          throw new IllegalArgumentException(
              "Cannot parse arguments: " + argv[i] + " needs a value");
        }
        String v = argv[i + 1];
        switch (argv[i]) {
          case "--data" -> a.data = Path.of(v);
          case "--dim" -> a.dim = Integer.parseInt(v);
          case "--k" -> a.k = Integer.parseInt(v);
          case "--m" -> a.m = Integer.parseInt(v);
          case "--beam-width" -> a.beamWidth = Integer.parseInt(v);
          case "--threads" -> a.threads = Integer.parseInt(v);
          case "--build-threads" -> a.buildThreads = Integer.parseInt(v);
          case "--min-queries" -> a.minQueries = Integer.parseInt(v);
          case "--stop-recall" -> a.stopRecall = Double.parseDouble(v);
          case "--candidates", "--breadths" ->
              a.candidates = Stream.of(v.split(",")).mapToInt(Integer::parseInt).toArray();
          default ->
              throw new IllegalArgumentException(
                  "Cannot parse arguments: unknown option " + argv[i]);
        }
      }
      return a;
    }
  }
}
