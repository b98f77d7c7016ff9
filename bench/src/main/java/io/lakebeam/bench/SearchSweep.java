package io.lakebeam.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The measurement protocol shared by the JVM peers, the same as {@code bench/ann_bench.py}'s: for
 * one search-breadth setting, a warm-up pass, then every query once from one thread (recall@k
 * against exact ground truth, per-query latency p50/p99, QPS), then QPS from {@code threads}
 * concurrent clients over at least {@code minQueries} queries.
 *
 * <p>A {@link Searcher} must be safe to call from several threads at once.
 */
final class SearchSweep {
  /** Top-k corpus ids for one query vector at one breadth setting. */
  @FunctionalInterface
  interface Searcher {
    long[] search(float[] query, int k, int breadth) throws Exception;
  }

  private SearchSweep() {}

  static String run(
      Searcher s,
      float[][] queries,
      long[][] truth,
      int k,
      int breadth,
      int threads,
      int minQueries)
      throws Exception {
    int nq = queries.length;
    for (int i = 0; i < nq; i++) { // warm-up: every query once
      s.search(queries[i], k, breadth);
    }
    long[] lat = new long[nq];
    double recallSum = 0;
    long t0 = System.nanoTime();
    for (int i = 0; i < nq; i++) {
      long a = System.nanoTime();
      long[] got = s.search(queries[i], k, breadth);
      lat[i] = System.nanoTime() - a;
      recallSum += recall(got, truth[i], k);
    }
    double single = (System.nanoTime() - t0) / 1e9;
    Arrays.sort(lat);
    double qpsMulti = concurrentQps(s, queries, k, breadth, threads, Math.max(minQueries, nq));
    return String.format(
        Locale.ROOT,
        "{\"breadth\": %d, \"recall\": %.4f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"mean_ms\": %.3f,"
            + " \"qps_1\": %.1f, \"qps_%d\": %.1f}",
        breadth,
        recallSum / nq,
        pct(lat, 50),
        pct(lat, 99),
        single * 1e3 / nq,
        nq / single,
        threads,
        qpsMulti);
  }

  /** The recall figure of a row that {@link #run} returned. */
  static double recallOf(String row) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"recall\": ([0-9.]+)").matcher(row);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  static double recall(long[] got, long[] truth, int k) {
    int hit = 0;
    for (int i = 0; i < Math.min(k, got.length); i++) {
      for (int j = 0; j < k; j++) {
        if (got[i] == truth[j]) {
          hit++;
          break;
        }
      }
    }
    return hit / (double) k;
  }

  private static double pct(long[] sorted, int p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))] / 1e6;
  }

  private static double concurrentQps(
      Searcher s, float[][] queries, int k, int breadth, int threads, int total) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> fs = new ArrayList<>();
      long t0 = System.nanoTime();
      for (int t = 0; t < threads; t++) {
        fs.add(
            pool.submit(
                () -> {
                  int i;
                  while ((i = next.getAndIncrement()) < total) {
                    s.search(queries[i % queries.length], k, breadth);
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      return total / ((System.nanoTime() - t0) / 1e9);
    } finally {
      pool.shutdownNow();
    }
  }
}
