package io.lakebeam.bench;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * What a commit costs through an Iceberg REST catalog against the embedded SQLite (JDBC) catalog,
 * side by side in one process on the same S3 storage: N metadata-only commits (a table property)
 * and N small appends (10 rows, one Parquet file each) per catalog, interleaved round by round so
 * both see the same machine load. Prints the median and mean milliseconds and the REST/SQLite
 * ratio. {@code bench/rest_catalog_bench.sh} starts S3Proxy and Iceberg's REST catalog server.
 *
 * <pre>{@code
 * java -cp "$(cat bench/target/bench-classpath.txt)" io.lakebeam.bench.CatalogCommitBench \
 *   --rest-uri http://127.0.0.1:8181 --s3-endpoint http://127.0.0.1:9000 --work /tmp/x --commits 50
 * }</pre>
 */
public final class CatalogCommitBench {
  private static final int DIM = 8;
  private static final int WARMUP = 3;

  private CatalogCommitBench() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> a = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String restUri = require(a, "rest-uri");
    String endpoint = require(a, "s3-endpoint");
    Path work = Paths.get(require(a, "work"));
    int commits = Integer.parseInt(a.getOrDefault("commits", "50"));
    String bucket = a.getOrDefault("bucket", "lake");

    Map<String, String> s3 = new HashMap<>();
    s3.put("s3.endpoint", endpoint);
    s3.put("s3.path-style-access", "true");
    s3.put("s3.access-key-id", a.getOrDefault("access-key", "lakebeam-bench"));
    s3.put("s3.secret-access-key", a.getOrDefault("secret-key", "lakebeam-bench-secret"));
    s3.put("client.region", "us-east-1");
    Map<String, String> sqlite = new HashMap<>(s3);
    sqlite.put("warehouse", "s3://" + bucket + "/sqlite-wh");
    sqlite.put("catalog.type", "jdbc");
    sqlite.put("catalog.uri", "jdbc:sqlite:" + work.resolve("bench-catalog.db"));
    Map<String, String> rest = new HashMap<>(s3);
    rest.put("warehouse", "s3://" + bucket + "/rest-wh");
    rest.put("catalog.type", "rest");
    rest.put("catalog.uri", restUri);

    Map<String, Lakehouse> lakes = new LinkedHashMap<>();
    lakes.put("sqlite", Lakehouse.open(LakehouseConfig.of(sqlite)));
    lakes.put("rest", Lakehouse.open(LakehouseConfig.of(rest)));
    Map<String, Collection> colls = new LinkedHashMap<>();
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("id", "long");
    schema.put("embedding", "float_vector(" + DIM + ")");
    for (var e : lakes.entrySet()) {
      String name = "commits_" + System.nanoTime();
      colls.put(e.getKey(), e.getValue().createCollection(name, schema, Metric.COSINE, false));
    }
    Map<String, List<Double>> props = new LinkedHashMap<>();
    Map<String, List<Double>> appends = new LinkedHashMap<>();
    Random rnd = new Random(42);
    for (int round = 0; round < WARMUP + commits; round++) {
      for (var e : colls.entrySet()) {
        Table t = e.getValue().table();
        long t0 = System.nanoTime();
        t.updateProperties().set("bench.round", Integer.toString(round)).commit();
        double propMs = (System.nanoTime() - t0) / 1e6;
        t0 = System.nanoTime();
        append(e.getValue(), round * 10L, rnd);
        double appendMs = (System.nanoTime() - t0) / 1e6;
        if (round >= WARMUP) {
          props.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(propMs);
          appends.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(appendMs);
        }
      }
    }
    System.out.printf(
        "catalog commits: %d per kind after %d warm-up, interleaved; storage S3Proxy at %s%n",
        commits, WARMUP, endpoint);
    System.out.printf(
        "%-28s %12s %12s %12s %12s%n",
        "operation", "sqlite p50", "rest p50", "sqlite mean", "rest mean");
    report("property commit (metadata)", props);
    report("append 10 rows (1 file)", appends);
    for (Lakehouse l : lakes.values()) {
      l.close();
    }
  }

  private static void report(String what, Map<String, List<Double>> ms) {
    double[] s = stats(ms.get("sqlite"));
    double[] r = stats(ms.get("rest"));
    System.out.printf(
        "%-28s %10.1f ms %10.1f ms %10.1f ms %10.1f ms   REST/SQLite p50 %.2fx, mean %.2fx%n",
        what, s[0], r[0], s[1], r[1], r[0] / s[0], r[1] / s[1]);
  }

  private static double[] stats(List<Double> ms) {
    double[] v = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new double[] {v[v.length / 2], Arrays.stream(v).average().orElse(Double.NaN)};
  }

  private static void append(Collection c, long firstId, Random rnd) {
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < 10; i++) {
        Record r = GenericRecord.create(c.schema());
        r.setField("id", firstId + i);
        List<Float> v = new ArrayList<>(DIM);
        for (int d = 0; d < DIM; d++) {
          v.add((float) rnd.nextGaussian());
        }
        r.setField("embedding", v);
        w.write(r);
      }
      w.commit();
    }
  }

  private static String require(Map<String, String> a, String key) {
    String v = a.get(key);
    if (v == null) {
      throw new IllegalArgumentException(
          "Cannot run CatalogCommitBench: --" + key + " is required");
    }
    return v;
  }
}
