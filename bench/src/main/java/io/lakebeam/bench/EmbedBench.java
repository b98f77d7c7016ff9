package io.lakebeam.bench;

import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The Java side of the embedding throughput benchmark ({@code bench/embed_bench.py}): embeds the
 * same texts as the Python peers with {@link OnnxTextEmbedder} and all-MiniLM-L6-v2, through the
 * path a pipeline uses (one {@code embed(List)} call: tokenize all, sort by token length, batches
 * within the token budget, mean pooling, L2 normalisation).
 *
 * <p>Per budget: one warm-up call on {@code --warmup} texts spread over the input, then {@code
 * --repeat} timed calls over all texts. Model loading is timed apart and not counted; each timed
 * call also records the process's CPU time. Prints one JSON object on stdout; with {@code
 * --vectors} writes the vectors of the last call as raw little-endian float32, row-major, for the
 * driver's agreement check.
 *
 * <pre>{@code
 * java -Xss16m --enable-native-access=ALL-UNNAMED -cp ... io.lakebeam.bench.EmbedBench \
 *     --texts texts.txt --budgets 4096,8192 --repeat 1 --vectors java.f32
 * }</pre>
 *
 * <p>{@code --texts} holds one passage per line (UTF-8, no line breaks inside a passage).
 */
public final class EmbedBench {

  private EmbedBench() {}

  public static void main(String[] args) throws Exception {
    Path texts = null;
    Path vectorsOut = null;
    List<Integer> budgets = List.of(OnnxTextEmbedder.DEFAULT_BATCH_TOKEN_BUDGET);
    int warmup = 256;
    int repeat = 1;
    for (int i = 0; i < args.length; i++) {
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (args[i]) {
        case "--texts" -> texts = Path.of(v);
        case "--vectors" -> vectorsOut = Path.of(v);
        case "--budgets" -> budgets = parseInts(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        case "--repeat" -> repeat = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("Cannot parse argument: " + args[i]);
      }
      i++;
    }
    if (texts == null) {
      throw new IllegalArgumentException("Cannot run: --texts FILE is required");
    }
    List<String> input = Files.readAllLines(texts, StandardCharsets.UTF_8);

    long t0 = System.nanoTime();
    OnnxTextEmbedder loaded = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2);
    double loadSeconds = (System.nanoTime() - t0) / 1e9;

    StringBuilder runs = new StringBuilder();
    float[][] last = null;
    for (int budget : budgets) {
      OnnxTextEmbedder embedder = loaded.withBatchTokenBudget(budget);
      embedder.embed(spread(input, warmup));
      List<Double> seconds = new ArrayList<>();
      List<Double> cpu = new ArrayList<>();
      for (int r = 0; r < repeat; r++) {
        long cpu0 = processCpuNanos();
        long start = System.nanoTime();
        last = embedder.embed(input);
        seconds.add((System.nanoTime() - start) / 1e9);
        cpu.add((processCpuNanos() - cpu0) / 1e9);
      }
      double best = seconds.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      System.err.printf(
          Locale.ROOT,
          "java budget=%d: best %.3f s, %.1f chunks/s%n",
          budget,
          best,
          input.size() / best);
      if (!runs.isEmpty()) {
        runs.append(',');
      }
      runs.append(
          String.format(
              Locale.ROOT,
              "{\"setting\":%d,\"seconds\":%s,\"cpu_seconds\":%s}",
              budget,
              jsonNumbers(seconds),
              jsonNumbers(cpu)));
    }
    if (vectorsOut != null && last != null) {
      writeF32(vectorsOut, last);
    }
    System.out.printf(
        Locale.ROOT,
        "{\"system\":\"java-onnx\",\"texts\":%d,\"load_s\":%.3f,\"threads\":%d,"
            + "\"setting_name\":\"batch_token_budget\",\"runs\":[%s],\"java\":\"%s\"}%n",
        input.size(),
        loadSeconds,
        Runtime.getRuntime().availableProcessors(),
        runs,
        Runtime.version());
  }

  /** CPU time of the whole process (every thread: ONNX Runtime's, the JIT's, the GC's). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** About {@code n} texts taken at even steps over the list, so every length is warmed up. */
  private static List<String> spread(List<String> texts, int n) {
    if (texts.size() <= n) {
      return texts;
    }
    List<String> out = new ArrayList<>(n);
    double step = (double) texts.size() / n;
    for (int i = 0; i < n; i++) {
      out.add(texts.get((int) (i * step)));
    }
    return out;
  }

  private static List<Integer> parseInts(String csv) {
    List<Integer> out = new ArrayList<>();
    for (String s : csv.split(",")) {
      out.add(Integer.parseInt(s.trim()));
    }
    return out;
  }

  private static String jsonNumbers(List<Double> values) {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < values.size(); i++) {
      sb.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", values.get(i)));
    }
    return sb.append(']').toString();
  }

  private static void writeF32(Path path, float[][] vectors) throws IOException {
    try (OutputStream out = new DataOutputStream(Files.newOutputStream(path))) {
      ByteBuffer row = ByteBuffer.allocate(vectors[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float[] v : vectors) {
        row.clear();
        row.asFloatBuffer().put(v);
        out.write(row.array());
      }
    }
  }
}
