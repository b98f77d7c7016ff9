package io.lakebeam.bench;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * The serving tiers side by side on one index, in one process: the same collection searched with
 * full vectors on the heap ({@code hot}), product-quantized codes plus an exact re-rank ({@code
 * hot-pq}) and nothing per vector on the heap ({@code warm}, memory-mapped). Data: a seeded
 * Gaussian mixture (1,000 centres, N(0, 1) per dimension, rows spread N(0, 1) around their centre;
 * cosine), stored as a Lakebeam collection; truth by exact search. Per tier: the first query
 * (segment load), p50/p99 and QPS of one thread, recall@10, heap bytes per vector held by the
 * index, and the process RSS.
 *
 * <pre>{@code
 * java -cp "$(cat bench/target/bench-classpath.txt)" io.lakebeam.bench.TierBench --rows 200000
 * }</pre>
 */
public final class TierBench {
  /** Spread of a row around its centre, per dimension (the centres are N(0, 1) per dimension). */
  private static final float NOISE = 1.0f;

  private TierBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = parse(args);
    int rows = Integer.parseInt(a.getOrDefault("rows", "200000"));
    int dim = Integer.parseInt(a.getOrDefault("dim", "384"));
    int queries = Integer.parseInt(a.getOrDefault("queries", "500"));
    int ef = Integer.parseInt(a.getOrDefault("ef", "100"));
    Path dir =
        a.containsKey("lakehouse")
            ? Path.of(a.get("lakehouse"))
            : Files.createTempDirectory("lakebeam-tierbench");
    Random rnd = new Random(20261204);
    float[][] centres = new float[1000][dim];
    for (float[] c : centres) {
      for (int j = 0; j < dim; j++) {
        c[j] = (float) rnd.nextGaussian();
      }
    }
    float[][] q = new float[queries][];
    for (int i = 0; i < queries; i++) {
      q[i] = sample(centres, rnd, dim);
    }
    long buildMs;
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c;
      if (lake.listCollections().contains("tiers")) {
        c = lake.collection("tiers");
        buildMs = -1;
      } else {
        c = lake.createCollection("tiers", schema(dim), Metric.COSINE, false);
        long t = System.nanoTime();
        write(c, centres, new Random(7), rows, dim);
        System.err.printf("wrote %d rows in %.1f s%n", rows, (System.nanoTime() - t) / 1e9);
        t = System.nanoTime();
        lake.indexes().build(c, "embedding", null, IndexParams.defaults());
        buildMs = (System.nanoTime() - t) / 1_000_000;
      }
    }
    List<Set<String>> truth = null;
    List<Map<String, Object>> results = new ArrayList<>();
    List<String> tiers = List.of(a.getOrDefault("tiers", "hot,hot-pq,warm").split(","));
    Path truthFile = dir.resolve("truth-" + queries + ".txt");
    if (Files.exists(truthFile)) {
      truth = new ArrayList<>();
      for (String line : Files.readAllLines(truthFile)) {
        truth.add(new HashSet<>(List.of(line.split(" "))));
      }
    }
    for (String tier : tiers) {
      long budget =
          switch (tier) {
            case "hot" -> Long.MAX_VALUE / 4;
            case "hot-pq" -> 2L * rows * (dim / 4) + (1L << 20); // the codes fit, full vectors not
            default -> 0L;
          };
      System.setProperty("lakebeam.memory.bytes", Long.toString(budget));
      System.setProperty(
          "lakebeam.cache.bytes", Long.toString(truth == null ? 1L << 30 : 64L << 20));
      System.gc();
      long heapBefore = usedHeap();
      try (Lakehouse lake = Lakehouse.open(dir.toString())) {
        Collection c = lake.collection("tiers");
        lake.indexes().pin(c, tier.equals("hot")); // full vectors on the heap only when pinned
        if (truth == null) {
          truth = new ArrayList<>();
          for (List<SearchHit> hits :
              lake.indexes()
                  .searchAt(c, new SearchRequest("embedding", q, 10, 0, null), c.snapshotId())) {
            Set<String> s = new HashSet<>();
            hits.forEach(h -> s.add(h.file() + "#" + h.pos()));
            truth.add(s);
          }
          List<String> lines = new ArrayList<>();
          truth.forEach(t -> lines.add(String.join(" ", t)));
          Files.write(truthFile, lines);
        }
        long t = System.nanoTime();
        search(lake, c, q[0], ef);
        double firstMs = (System.nanoTime() - t) / 1e6;
        Map<String, Object> d = lake.indexes().describe(c).get(0);
        System.gc();
        long heapHeld = usedHeap() - heapBefore;
        for (int i = 0; i < Math.min(200, queries); i++) {
          search(lake, c, q[i], ef); // warm-up
        }
        double[] ms = new double[queries];
        int found = 0;
        long start = System.nanoTime();
        for (int i = 0; i < queries; i++) {
          long s = System.nanoTime();
          List<SearchHit> hits = search(lake, c, q[i], ef);
          ms[i] = (System.nanoTime() - s) / 1e6;
          for (SearchHit h : hits) {
            if (truth.get(i).contains(h.file() + "#" + h.pos())) {
              found++;
            }
          }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(ms);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("tier", d.get("tier"));
        r.put("rows", rows);
        r.put("ef", ef);
        r.put("first_query_ms", round(firstMs));
        r.put("p50_ms", round(ms[queries / 2]));
        r.put("p99_ms", round(ms[(int) Math.floor(queries * 0.99)]));
        r.put("qps", round(queries / seconds));
        r.put("recall_at_10", round((double) found / (10.0 * queries)));
        r.put(
            "index_memory_bytes_per_vector",
            round(((Number) d.get("memory_bytes")).doubleValue() / rows));
        r.put("heap_delta_bytes_per_vector", round((double) heapHeld / rows));
        r.put("rss_mib", rss("VmRSS") >> 10);
        r.put("rss_anon_mib", rss("RssAnon") >> 10);
        r.put("rss_file_mib", rss("RssFile") >> 10);
        r.put("build_ms", buildMs);
        results.add(r);
        System.out.println(toJson(r));
      }
    }
  }

  private static List<SearchHit> search(Lakehouse lake, Collection c, float[] q, int ef) {
    return lake.indexes()
        .search(c, new SearchRequest("embedding", new float[][] {q}, 10, ef, null))
        .get(0);
  }

  private static float[] sample(float[][] centres, Random rnd, int dim) {
    float[] c = centres[rnd.nextInt(centres.length)];
    float[] v = new float[dim];
    for (int j = 0; j < dim; j++) {
      v[j] = c[j] + NOISE * (float) rnd.nextGaussian();
    }
    return v;
  }

  private static void write(Collection c, float[][] centres, Random rnd, int rows, int dim) {
    int perFile = 100_000;
    for (int start = 0; start < rows; start += perFile) {
      try (CollectionWriter w = c.newWriter()) {
        for (int i = start; i < Math.min(rows, start + perFile); i++) {
          Record r = GenericRecord.create(c.schema());
          float[] v = sample(centres, rnd, dim);
          List<Float> boxed = new ArrayList<>(dim);
          for (float x : v) {
            boxed.add(x);
          }
          r.setField("id", (long) i);
          r.setField("embedding", boxed);
          w.write(r);
        }
        w.commit();
      }
    }
  }

  private static Map<String, String> schema(int dim) {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("id", "long");
    s.put("embedding", "float_vector(" + dim + ")");
    return s;
  }

  private static long usedHeap() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** A /proc/self/status field in KiB (0 where unavailable). */
  private static long rss(String field) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(field + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (Exception ignored) {
      // not Linux
    }
    return 0;
  }

  private static double round(double x) {
    return Math.round(x * 1000) / 1000.0;
  }

  private static String toJson(Map<String, Object> m) {
    StringBuilder b = new StringBuilder("{");
    m.forEach(
        (k, v) -> {
          if (b.length() > 1) {
            b.append(", ");
          }
          b.append('"').append(k).append("\": ");
          b.append(v instanceof String ? "\"" + v + "\"" : String.valueOf(v));
        });
    return b.append('}').toString();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --key value, got " + args[i]);
      }
      m.put(args[i].substring(2), args[i + 1]);
    }
    return m;
  }
}
