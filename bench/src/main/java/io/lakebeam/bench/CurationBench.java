package io.lakebeam.bench;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import io.lakebeam.transforms.curation.Anomalies;
import io.lakebeam.transforms.curation.Cluster;
import io.lakebeam.transforms.curation.Dedup;
import io.lakebeam.transforms.curation.NearDuplicates;
import io.lakebeam.transforms.lake.Lake;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * The Java side of the curation benchmarks ({@code dedup_bench.py}, {@code cluster_bench.py},
 * {@code anomaly_bench.py}): loads the given texts or vectors into a fresh Iceberg collection, runs
 * the curation transforms on Beam's Direct runner, times each pipeline, writes the per-row results
 * read back from the table to a TSV file and prints one JSON line of figures.
 *
 * <p>Every pipeline starts from {@code Lake.read} of the table; the cost of one transform is the
 * time of {@code read -> transform -> count} minus the time of {@code read -> count} measured in
 * the same JVM right before it (after a warm-up run of the whole chain), so the Direct runner's
 * per-pipeline overhead is charged to the transform and the Iceberg read is not.
 *
 * <pre>{@code
 * java -cp $(cat bench/target/curation-classpath.txt) io.lakebeam.bench.CurationBench dedup \
 *   --warehouse /tmp/wh --texts texts.bin --jaccard 0.8 --out groups.tsv
 * java ... kmeans --warehouse /tmp/wh --vectors v.f32 --dim 384 --init init.f32 --iterations 20 \
 *   --out clusters.tsv
 * java ... anomalies --warehouse /tmp/wh --vectors v.f32 --dim 384 --k 10 --max-k 100 \
 *   --out scores.tsv [--methods multiscale,knn,iforest]
 * }</pre>
 *
 * {@code --runner direct} (default) or {@code flink} (an embedded local Flink cluster, or the
 * session cluster at {@code --flink-master host:port}, to which the classpath is staged) picks the
 * runner. Inputs: texts as a sequence of (big-endian int32 byte length, UTF-8 bytes); vectors as
 * raw little-endian float32, row after row. Row i gets the id {@code String.format("r%07d", i)}.
 */
public final class CurationBench {
  private static final String TABLE = "bench.chunks";
  private static Runner runner = Runner.DIRECT;
  private static String flinkMaster;
  private static int pipelines;

  private CurationBench() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "Cannot run: name a benchmark (dedup, kmeans, anomalies) and its --flags");
    }
    Map<String, String> a = flags(args);
    runner = Runner.valueOf(a.getOrDefault("runner", "direct").toUpperCase(java.util.Locale.ROOT));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("runner", runner.beamName());
    flinkMaster = a.get("flink-master");
    if (flinkMaster != null) {
      out.put("flink_master", flinkMaster);
    }
    switch (args[0]) {
      case "dedup" -> dedup(a, out);
      case "kmeans" -> kMeans(a, out);
      case "anomalies" -> anomalies(a, out);
      case "iforest" -> isolationForest(a, out);
      case "semantic" -> semantic(a, out);
      default ->
          throw new IllegalArgumentException(
              "Cannot run benchmark '"
                  + args[0]
                  + "': use dedup, kmeans, anomalies, iforest or semantic");
    }
    System.out.println(json(out));
  }

  // ---------------------------------------------------------------------------------------------
  // benchmarks

  private static void dedup(Map<String, String> a, Map<String, Object> out) throws IOException {
    List<String> texts = readTexts(Path.of(need(a, "texts")));
    double jaccard = Double.parseDouble(a.getOrDefault("jaccard", "0.8"));
    NearDuplicates dedup = Dedup.nearDuplicates().onText("text").withJaccard(jaccard);
    out.put("rows", texts.size());
    out.put("lsh_params", String.valueOf(dedup.lshParams()));
    try (Lakehouse lake = Lakehouse.open(need(a, "warehouse"))) {
      Map<String, String> schema = new LinkedHashMap<>();
      schema.put("chunk_id", "string not null");
      schema.put("text", "string");
      long t0 = System.nanoTime();
      Collection c = lake.createCollection(TABLE, schema, Metric.COSINE, false);
      write(c, texts.size(), i -> Map.of("chunk_id", id(i), "text", texts.get(i)));
      out.put("load_s", seconds(t0));
      timePhases(lake, out, Map.of("dedup", dedup), dedup);
      readBack(lake, Path.of(need(a, "out")), "dup_group", "is_canonical", "dup_similarity");
    }
  }

  private static void kMeans(Map<String, String> a, Map<String, Object> out) throws IOException {
    int dim = Integer.parseInt(need(a, "dim"));
    float[][] vectors = readVectors(Path.of(need(a, "vectors")), dim);
    float[][] init = readVectors(Path.of(need(a, "init")), dim);
    int iterations = Integer.parseInt(a.getOrDefault("iterations", "20"));
    out.put("rows", vectors.length);
    out.put("k", init.length);
    out.put("iterations", iterations);
    try (Lakehouse lake = Lakehouse.open(need(a, "warehouse"))) {
      long t0 = System.nanoTime();
      Collection c = lake.createCollection(TABLE, vectorSchema(dim), Metric.L2, false);
      write(c, vectors.length, i -> Map.of("chunk_id", id(i), "embedding", boxed(vectors[i])));
      out.put("load_s", seconds(t0));
      Map<String, PTransform<PCollection<Row>, PCollection<Row>>> phases = new LinkedHashMap<>();
      phases.put("kmeans_0_iterations", kMeans(init, 0));
      phases.put("kmeans", kMeans(init, iterations));
      timePhases(lake, out, phases, kMeans(init, iterations));
      double fit = (Double) out.get("kmeans_s") - (Double) out.get("kmeans_0_iterations_s");
      out.put("per_iteration_s", iterations == 0 ? 0.0 : fit / iterations);
      readBack(lake, Path.of(need(a, "out")), "cluster_id", "cluster_distance");
    }
  }

  private static PTransform<PCollection<Row>, PCollection<Row>> kMeans(float[][] init, int iters) {
    return Cluster.kMeans()
        .onVector("embedding")
        .withInitialCentroids(init)
        .withIterations(iters)
        .withoutNormalizing();
  }

  /** Isolation forest alone (no vector index needed): {@code iforest_only_s}, scores read back. */
  private static void isolationForest(Map<String, String> a, Map<String, Object> out)
      throws IOException {
    int dim = Integer.parseInt(need(a, "dim"));
    float[][] vectors = readVectors(Path.of(need(a, "vectors")), dim);
    double top = Double.parseDouble(a.getOrDefault("top", "0.01"));
    out.put("rows", vectors.length);
    try (Lakehouse lake = Lakehouse.open(need(a, "warehouse"))) {
      long t0 = System.nanoTime();
      Collection c = lake.createCollection(TABLE, vectorSchema(dim), Metric.L2, false);
      write(c, vectors.length, i -> Map.of("chunk_id", id(i), "embedding", boxed(vectors[i])));
      out.put("load_s", seconds(t0));
      PTransform<PCollection<Row>, PCollection<Row>> forest =
          Anomalies.isolationForest().onVector("embedding").withTopFraction(top);
      timePhases(lake, out, Map.of("iforest", forest), forest);
      readBack(lake, Path.of(need(a, "out")), "iforest_score", "is_iforest_anomaly");
    }
  }

  /** SemDeDup ({@code Dedup.semantic()}): {@code semantic_only_s}, groups read back. */
  private static void semantic(Map<String, String> a, Map<String, Object> out) throws IOException {
    int dim = Integer.parseInt(need(a, "dim"));
    float[][] vectors = readVectors(Path.of(need(a, "vectors")), dim);
    double cosine = Double.parseDouble(a.getOrDefault("cosine", "0.95"));
    int partitions = Integer.parseInt(a.getOrDefault("partitions", "64"));
    out.put("rows", vectors.length);
    try (Lakehouse lake = Lakehouse.open(need(a, "warehouse"))) {
      long t0 = System.nanoTime();
      Collection c = lake.createCollection(TABLE, vectorSchema(dim), Metric.COSINE, false);
      write(c, vectors.length, i -> Map.of("chunk_id", id(i), "embedding", boxed(vectors[i])));
      out.put("load_s", seconds(t0));
      PTransform<PCollection<Row>, PCollection<Row>> dedup =
          Dedup.semantic().onVector("embedding").withCosine(cosine).withPartitions(partitions);
      timePhases(lake, out, Map.of("semantic", dedup), dedup);
      readBack(lake, Path.of(need(a, "out")), "semantic_dup_group", "semantic_is_canonical");
    }
  }

  private static void anomalies(Map<String, String> a, Map<String, Object> out) throws IOException {
    int dim = Integer.parseInt(need(a, "dim"));
    float[][] vectors = readVectors(Path.of(need(a, "vectors")), dim);
    int k = Integer.parseInt(a.getOrDefault("k", "10"));
    double top = Double.parseDouble(a.getOrDefault("top", "0.01"));
    out.put("rows", vectors.length);
    try (Lakehouse lake = Lakehouse.open(need(a, "warehouse"))) {
      long t0 = System.nanoTime();
      Collection c = lake.createCollection(TABLE, vectorSchema(dim), Metric.COSINE, false);
      write(c, vectors.length, i -> Map.of("chunk_id", id(i), "embedding", boxed(vectors[i])));
      out.put("load_s", seconds(t0));
      t0 = System.nanoTime();
      lake.indexes().build(lake.collection(TABLE), "embedding", null, IndexParams.defaults());
      out.put("index_build_s", seconds(t0));
      List<String> methods =
          List.of(a.getOrDefault("methods", "multiscale,knn,iforest").split(","));
      int maxK = Integer.parseInt(a.getOrDefault("max-k", "100"));
      Map<String, PTransform<PCollection<Row>, PCollection<Row>>> phases = new LinkedHashMap<>();
      List<String> columns = new ArrayList<>();
      if (methods.contains("multiscale")) {
        phases.put(
            "multiscale",
            Anomalies.multiScaleKnn().onVector("embedding").withMaxK(maxK).withTopFraction(top));
        columns.addAll(List.of("anomaly_score", "is_anomaly"));
      }
      if (methods.contains("knn")) {
        phases.put(
            "knn",
            Anomalies.knnDistance()
                .onVector("embedding")
                .withK(k)
                .withTopFraction(top)
                .toFields("knn_score", "is_knn_anomaly"));
        columns.addAll(List.of("knn_score", "is_knn_anomaly"));
      }
      if (methods.contains("iforest")) {
        phases.put(
            "iforest", Anomalies.isolationForest().onVector("embedding").withTopFraction(top));
        columns.addAll(List.of("iforest_score", "is_iforest_anomaly"));
      }
      PTransform<PCollection<Row>, PCollection<Row>> chain = null;
      for (PTransform<PCollection<Row>, PCollection<Row>> t : phases.values()) {
        chain = chain == null ? t : new Both(chain, t);
      }
      timePhases(lake, out, phases, chain);
      readBack(lake, Path.of(need(a, "out")), columns.toArray(String[]::new));
    }
  }

  /** Two transforms one after the other. */
  private static final class Both extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final PTransform<PCollection<Row>, PCollection<Row>> first;
    private final PTransform<PCollection<Row>, PCollection<Row>> second;

    Both(
        PTransform<PCollection<Row>, PCollection<Row>> first,
        PTransform<PCollection<Row>, PCollection<Row>> second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> rows) {
      return rows.apply("First", first).apply("Second", second);
    }
  }

  /**
   * Times a warm-up {@code read -> chain -> count} (loads and compiles the classes), then {@code
   * read -> count} ({@code read_s}), each phase as {@code read -> phase -> count} ({@code
   * <name>_s}, and {@code <name>_only_s} with the read subtracted), and the whole {@code read ->
   * chain -> writeBackColumns} ({@code end_to_end_s}).
   */
  private static void timePhases(
      Lakehouse lake,
      Map<String, Object> out,
      Map<String, ? extends PTransform<PCollection<Row>, PCollection<Row>>> phases,
      PTransform<PCollection<Row>, PCollection<Row>> chain) {
    out.put(
        "warmup_s",
        time(p -> p.apply(Lake.read(lake, TABLE)).apply("Warm up", chain).apply(Count.globally())));
    double read = time(p -> p.apply(Lake.read(lake, TABLE)).apply(Count.globally()));
    out.put("read_s", read);
    for (Map.Entry<String, ? extends PTransform<PCollection<Row>, PCollection<Row>>> e :
        phases.entrySet()) {
      double t =
          time(
              p ->
                  p.apply(Lake.read(lake, TABLE))
                      .apply(e.getKey(), e.getValue())
                      .apply(Count.globally()));
      out.put(e.getKey() + "_s", t);
      out.put(e.getKey() + "_only_s", t - read);
    }
    out.put(
        "end_to_end_s",
        time(
            p ->
                p.apply(Lake.read(lake, TABLE))
                    .apply("Curate", chain)
                    .apply(Lake.writeBackColumns(lake, TABLE))));
  }

  private static double time(Consumer<Pipeline> build) {
    long t0 = System.nanoTime();
    Pipeline p = Pipeline.create(Runners.optionsWithFlinkMaster(runner, flinkMaster));
    build.accept(p);
    PipelineResult.State state = p.run().waitUntilFinish();
    if (state != PipelineResult.State.DONE) {
      throw new IllegalStateException("Cannot time the pipeline: it ended " + state);
    }
    double s = seconds(t0);
    System.err.printf("[CurationBench] pipeline %d: %.2fs%n", ++pipelines, s);
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // tables and files

  private static Map<String, String> vectorSchema(int dim) {
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("chunk_id", "string not null");
    schema.put("embedding", "float_vector(" + dim + ")");
    return schema;
  }

  private static void write(Collection c, int rows, IntFunction<Map<String, Object>> values) {
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < rows; i++) {
        Record r = GenericRecord.create(c.schema());
        values.apply(i).forEach(r::setField);
        w.write(r);
      }
      w.commit();
    }
  }

  /** Writes {@code chunk_id} and {@code columns} of every live row, sorted by id, as TSV. */
  private static void readBack(Lakehouse lake, Path tsv, String... columns) throws IOException {
    Collection c = lake.collection(TABLE).refreshMetadata();
    List<Record> rows = LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema());
    rows.sort(
        (x, y) -> ((String) x.getField("chunk_id")).compareTo((String) y.getField("chunk_id")));
    try (BufferedWriter w = Files.newBufferedWriter(tsv)) {
      w.write("chunk_id\t" + String.join("\t", columns) + "\n");
      for (Record r : rows) {
        StringBuilder line = new StringBuilder((String) r.getField("chunk_id"));
        for (String col : columns) {
          Object v = r.getField(col);
          line.append('\t').append(v == null ? "" : v.toString());
        }
        w.write(line.append('\n').toString());
      }
    }
  }

  private static List<String> readTexts(Path file) throws IOException {
    List<String> texts = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file);
        DataInputStream data = new DataInputStream(new java.io.BufferedInputStream(in))) {
      while (data.available() > 0) {
        byte[] b = new byte[data.readInt()];
        data.readFully(b);
        texts.add(new String(b, StandardCharsets.UTF_8));
      }
    }
    return texts;
  }

  private static float[][] readVectors(Path file, int dim) throws IOException {
    FloatBuffer all =
        ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
    if (all.remaining() % dim != 0) {
      throw new IllegalArgumentException(
          "Cannot read " + file + ": " + all.remaining() + " floats is not a multiple of " + dim);
    }
    float[][] out = new float[all.remaining() / dim][dim];
    for (float[] v : out) {
      all.get(v);
    }
    return out;
  }

  private static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float x : v) {
      out.add(x);
    }
    return out;
  }

  private static String id(int i) {
    return String.format("r%07d", i);
  }

  // ---------------------------------------------------------------------------------------------
  // arguments and output

  private static Map<String, String> flags(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("Cannot parse '" + args[i] + "': use --name value");
      }
      a.put(args[i].substring(2), args[i + 1]);
    }
    return a;
  }

  private static String need(Map<String, String> a, String name) {
    String v = a.get(name);
    if (v == null) {
      throw new IllegalArgumentException("Cannot run: --" + name + " is required");
    }
    return v;
  }

  private static double seconds(long start) {
    return Math.round((System.nanoTime() - start) / 1e6) / 1e3;
  }

  private static String json(Map<String, Object> m) {
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, Object> e : m.entrySet()) {
      b.append(b.length() > 1 ? ", " : "").append('"').append(e.getKey()).append("\": ");
      Object v = e.getValue();
      b.append(v instanceof Number ? v.toString() : "\"" + v + "\"");
    }
    return b.append('}').toString();
  }
}
