package io.lakebeam.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link TextEmbedder} that runs an ONNX sentence-embedding model with ONNX Runtime and a
 * HuggingFace tokenizer (DJL), fully offline.
 *
 * <p><b>Loading and lifetime.</b> {@link #load} keeps one loaded model per {@link ModelSpec} for
 * the life of the JVM: every caller (every DoFn instance and thread of a worker) gets the same
 * instance, so a worker reads the weights once. The model is shared, not reference-counted: {@link
 * #close()} does nothing, so callers may use try-with-resources freely, and the native memory
 * (about the size of the ONNX file) is released when the JVM exits. Loading is done once under a
 * per-spec lock; a failed load is retried by the next call.
 *
 * <p><b>Threads.</b> Thread-safe; share one instance. Each inference call uses up to {@link
 * Runtime#availableProcessors()} ONNX Runtime threads.
 *
 * <p><b>Batching.</b> {@link #embed(List)} tokenizes all texts (truncating each to {@link
 * ModelSpec#maxSequenceLength()} tokens), sorts them by token count, runs batches whose padded size
 * stays within {@link #batchTokenBudget()} tokens, and returns vectors in input order. It feeds
 * {@code token_type_ids} only when the model has that input.
 *
 * <p>DJL unpacks its tokenizer library under {@code ~/.djl.ai} (set {@code DJL_CACHE_DIR} to move
 * it); set {@code OPT_OUT_TRACKING=true} to switch off DJL's usage tracking, which only runs on
 * EC2.
 *
 * <pre>{@code
 * TextEmbedder embedder = OnnxTextEmbedder.load(Models.BGE_SMALL_EN_V15);
 * float[][] vectors = embedder.embed(List.of("a short text", "a much longer text ..."));
 * }</pre>
 */
public final class OnnxTextEmbedder implements TextEmbedder {

  /**
   * Default most padded tokens (texts times tokens of the longest text) per inference call; see
   * {@link #withBatchTokenBudget}.
   */
  public static final int DEFAULT_BATCH_TOKEN_BUDGET = 4096;

  private static final ConcurrentHashMap<ModelSpec, SharedModel> SHARED = new ConcurrentHashMap<>();

  private final ModelSpec spec;
  private final LoadedModel model;
  private final int batchTokenBudget;

  private OnnxTextEmbedder(ModelSpec spec, LoadedModel model, int batchTokenBudget) {
    this.spec = spec;
    this.model = model;
    this.batchTokenBudget = batchTokenBudget;
  }

  /**
   * Returns the JVM-wide embedder for {@code spec}, loading the model on first use.
   *
   * @throws EmbeddingModelException if the model or tokenizer cannot be loaded, or the model's
   *     output width differs from {@link ModelSpec#dimension()}
   */
  public static OnnxTextEmbedder load(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return SHARED.computeIfAbsent(spec, SharedModel::new).get();
  }

  /**
   * Returns an embedder over the same loaded model that puts at most {@code tokens} padded tokens
   * in one inference call (default {@value #DEFAULT_BATCH_TOKEN_BUDGET}). Larger budgets mean
   * fewer, bigger calls and more memory; a text longer than the budget still runs, alone.
   *
   * @param tokens at least 1
   */
  public OnnxTextEmbedder withBatchTokenBudget(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("Cannot set batch token budget: must be >= 1: " + tokens);
    }
    return new OnnxTextEmbedder(spec, model, tokens);
  }

  /** Returns the spec this embedder was loaded from. */
  public ModelSpec spec() {
    return spec;
  }

  /** Returns the most padded tokens per inference call. */
  public int batchTokenBudget() {
    return batchTokenBudget;
  }

  @Override
  public int dimension() {
    return spec.dimension();
  }

  @Override
  public String modelName() {
    return spec.name();
  }

  @Override
  public String modelVersion() {
    return spec.version();
  }

  @Override
  public float[][] embed(List<String> texts) {
    Objects.requireNonNull(texts, "texts");
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("Cannot embed: text at index " + i + " is null");
      }
    }
    float[][] vectors = new float[texts.size()][];
    if (texts.isEmpty()) {
      return vectors;
    }
    Encoding[] encodings = model.tokenize(texts);
    int[] lengths = new int[encodings.length];
    for (int i = 0; i < encodings.length; i++) {
      lengths[i] = encodings[i].getIds().length;
    }
    for (int[] batch : TokenBatches.plan(lengths, batchTokenBudget)) {
      Encoding[] batchEncodings = new Encoding[batch.length];
      for (int i = 0; i < batch.length; i++) {
        batchEncodings[i] = encodings[batch[i]];
      }
      float[][] batchVectors = model.run(batchEncodings, spec.pooling(), spec.normalize());
      for (int i = 0; i < batch.length; i++) {
        vectors[batch[i]] = batchVectors[i];
      }
    }
    return vectors;
  }

  /** Does nothing: the loaded model is shared by the whole JVM (see the class documentation). */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "OnnxTextEmbedder{" + spec.name() + " " + spec.version() + "}";
  }

  /** Loads one spec's model at most once, under its own lock; a failed load is retried. */
  private static final class SharedModel {
    private final ModelSpec spec;
    private OnnxTextEmbedder embedder;

    SharedModel(ModelSpec spec) {
      this.spec = spec;
    }

    synchronized OnnxTextEmbedder get() {
      if (embedder == null) {
        LoadedModel model =
            LoadedModel.load(
                spec.name(),
                spec.onnx(),
                spec.tokenizer(),
                spec.maxSequenceLength(),
                Runtime.getRuntime().availableProcessors());
        if (model.dimension() != spec.dimension()) {
          model.close();
          throw new EmbeddingModelException(
              "Cannot load model "
                  + spec.name()
                  + ": the spec says dimension "
                  + spec.dimension()
                  + " but the model outputs vectors of "
                  + model.dimension()
                  + "; fix ModelSpec.dimension");
        }
        embedder = new OnnxTextEmbedder(spec, model, DEFAULT_BATCH_TOKEN_BUDGET);
      }
      return embedder;
    }
  }
}
