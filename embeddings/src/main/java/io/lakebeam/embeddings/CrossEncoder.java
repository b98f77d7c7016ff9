package io.lakebeam.embeddings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A cross-encoder reranking model in ONNX (e.g. an Optimum export of {@code
 * cross-encoder/ms-marco-MiniLM-L-6-v2}): reads each (query, passage) pair as one sequence and
 * outputs one relevance logit per pair ({@code logits} of shape [batch, 1]). Higher is more
 * relevant. Shares ONNX Runtime session and tokenizer code with {@link OnnxTextEmbedder}.
 *
 * <p>Thread-safe; {@link #load} keeps one instance per model file for the life of the JVM.
 *
 * <pre>{@code
 * CrossEncoder model = CrossEncoder.load(Path.of("ms-marco.onnx"), Path.of("tokenizer.json"));
 * float[] scores = model.score("how do I rotate keys?", List.of("Rotate keys with ...", "..."));
 * }</pre>
 */
public final class CrossEncoder {
  /** Tokens per (query, passage) pair; longer pairs are truncated. */
  public static final int MAX_SEQUENCE_LENGTH = 512;

  /** Pairs per inference call. */
  static final int BATCH = 32;

  private static final ConcurrentHashMap<List<Path>, CrossEncoder> SHARED =
      new ConcurrentHashMap<>();

  private final String name;
  private final LoadedModel model;

  private CrossEncoder(String name, LoadedModel model) {
    this.name = name;
    this.model = model;
  }

  /**
   * Loads (once per JVM) the model at {@code onnx} with its HuggingFace {@code tokenizer.json}.
   *
   * @throws EmbeddingModelException if either file cannot be loaded, or the model does not output
   *     one score per pair
   */
  public static CrossEncoder load(Path onnx, Path tokenizerJson) {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    List<Path> key = List.of(onnx.toAbsolutePath().normalize(), tokenizerJson.toAbsolutePath());
    return SHARED.computeIfAbsent(key, k -> open(k.get(0), k.get(1)));
  }

  private static CrossEncoder open(Path onnx, Path tokenizerJson) {
    String name = onnx.getFileName().toString().replaceFirst("\\.onnx$", "");
    LoadedModel model =
        LoadedModel.load(
            name,
            ModelFile.path(onnx),
            ModelFile.path(tokenizerJson),
            MAX_SEQUENCE_LENGTH,
            Runtime.getRuntime().availableProcessors());
    if (model.dimension() != 1) {
      int width = model.dimension();
      model.close();
      throw new EmbeddingModelException(
          "Cannot load cross-encoder "
              + name
              + ": it outputs "
              + width
              + " values per input; a cross-encoder outputs one relevance logit per (query,"
              + " passage) pair, shape [batch, 1]");
    }
    return new CrossEncoder(name, model);
  }

  /** The model's name (its file name without {@code .onnx}). */
  public String name() {
    return name;
  }

  /** The relevance of each passage to {@code query}, in the passages' order. */
  public float[] score(String query, List<String> passages) {
    Objects.requireNonNull(query, "query");
    float[] out = new float[passages.size()];
    for (int from = 0; from < passages.size(); from += BATCH) {
      List<String> slice = passages.subList(from, Math.min(passages.size(), from + BATCH));
      float[][] logits = model.run(model.tokenizePairs(query, slice), Pooling.CLS, false);
      for (int i = 0; i < logits.length; i++) {
        out[from + i] = logits[i][0];
      }
    }
    return out;
  }
}
