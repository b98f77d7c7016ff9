package io.lakebeam.embeddings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Everything needed to load and run one ONNX sentence-embedding model: its identity (name and
 * version, recorded beside every stored vector), its files, and how token outputs become a vector.
 *
 * <p>An immutable value: {@code withX} methods return a new spec, and equal specs share one loaded
 * model in {@link OnnxTextEmbedder#load}. Ready-made specs are in {@link Models}.
 *
 * <pre>{@code
 * ModelSpec e5 =
 *     ModelSpec.fromPath(Path.of("/models/e5/model.onnx"), Path.of("/models/e5/tokenizer.json"),
 *             Pooling.MEAN, true)
 *         .withName("multilingual-e5-small")
 *         .withMaxSequenceLength(512);
 * TextEmbedder embedder = OnnxTextEmbedder.load(e5);
 * }</pre>
 *
 * @param name model name, e.g. {@code all-MiniLM-L6-v2}
 * @param version exact weights, e.g. {@code onnx-sha256:759c3cd2b7fe}
 * @param onnx the ONNX model file
 * @param tokenizer the HuggingFace {@code tokenizer.json}
 * @param pooling how token vectors become one vector (ignored for a model whose output is already
 *     one vector per text)
 * @param normalize whether vectors are scaled to unit L2 norm
 * @param dimension vector width; must match the model's output
 * @param maxSequenceLength tokens per text, special tokens included; longer texts are truncated
 */
public record ModelSpec(
    String name,
    String version,
    ModelFile onnx,
    ModelFile tokenizer,
    Pooling pooling,
    boolean normalize,
    int dimension,
    int maxSequenceLength)
    implements java.io.Serializable {

  /**
   * Maximum sequence length {@link #fromPath} assumes (BERT-style position embeddings); lower it
   * with {@link #withMaxSequenceLength} for models that accept fewer tokens.
   */
  public static final int DEFAULT_MAX_SEQUENCE_LENGTH = 512;

  /** Validates every field; messages read {@code Cannot create ModelSpec: ...}. */
  public ModelSpec {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(tokenizer, "tokenizer");
    Objects.requireNonNull(pooling, "pooling");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("Cannot create ModelSpec: name is blank: " + name);
    }
    if (version == null || version.isBlank()) {
      throw new IllegalArgumentException(
          "Cannot create ModelSpec for " + name + ": version is blank: " + version);
    }
    if (dimension <= 0) {
      throw new IllegalArgumentException(
          "Cannot create ModelSpec for " + name + ": dimension must be > 0: " + dimension);
    }
    if (maxSequenceLength < 2) {
      throw new IllegalArgumentException(
          "Cannot create ModelSpec for "
              + name
              + ": maxSequenceLength must be >= 2 (room for the special tokens): "
              + maxSequenceLength);
    }
  }

  /**
   * A spec for any ONNX sentence-embedding model on disk (a HuggingFace / Optimum export whose
   * inputs are {@code input_ids}, {@code attention_mask} and optionally {@code token_type_ids}).
   *
   * <p>Opens the model once to read its output width, and hashes the ONNX file for the version
   * ({@code onnx-sha256:<first 12 hex digits>}). The name is the file name without {@code .onnx},
   * or the model's folder name when the file is called {@code model.onnx}. The maximum sequence
   * length is {@link #DEFAULT_MAX_SEQUENCE_LENGTH}. Change any of these with the {@code withX}
   * methods.
   *
   * @throws IllegalArgumentException if a file is missing or the model cannot be read
   */
  public static ModelSpec fromPath(
      Path onnx, Path tokenizerJson, Pooling pooling, boolean normalize) {
    Objects.requireNonNull(onnx, "onnx");
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    Objects.requireNonNull(pooling, "pooling");
    String name = nameFromPath(onnx.toAbsolutePath().normalize());
    for (Path file : new Path[] {onnx, tokenizerJson}) {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(
            "Cannot load model " + name + ": " + file + " does not exist or is not a file");
      }
    }
    ModelFile onnxFile = ModelFile.path(onnx);
    ModelFile tokenizerFile = ModelFile.path(tokenizerJson);
    int dimension;
    try {
      dimension =
          LoadedModel.readOutputDimension(
              name, onnxFile, tokenizerFile, DEFAULT_MAX_SEQUENCE_LENGTH);
    } catch (EmbeddingModelException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    return new ModelSpec(
        name,
        "onnx-sha256:" + sha256Prefix(onnx),
        onnxFile,
        tokenizerFile,
        pooling,
        normalize,
        dimension,
        DEFAULT_MAX_SEQUENCE_LENGTH);
  }

  /** Returns a copy with another name. */
  public ModelSpec withName(String newName) {
    return new ModelSpec(
        newName, version, onnx, tokenizer, pooling, normalize, dimension, maxSequenceLength);
  }

  /** Returns a copy with another version. */
  public ModelSpec withVersion(String newVersion) {
    return new ModelSpec(
        name, newVersion, onnx, tokenizer, pooling, normalize, dimension, maxSequenceLength);
  }

  /** Returns a copy with another pooling. */
  public ModelSpec withPooling(Pooling newPooling) {
    return new ModelSpec(
        name, version, onnx, tokenizer, newPooling, normalize, dimension, maxSequenceLength);
  }

  /** Returns a copy that does or does not L2-normalise. */
  public ModelSpec withNormalize(boolean newNormalize) {
    return new ModelSpec(
        name, version, onnx, tokenizer, pooling, newNormalize, dimension, maxSequenceLength);
  }

  /**
   * Returns a copy with another maximum sequence length (tokens per text, special tokens included;
   * valid range 2 to what the model's position embeddings allow).
   */
  public ModelSpec withMaxSequenceLength(int newMaxSequenceLength) {
    return new ModelSpec(
        name, version, onnx, tokenizer, pooling, normalize, dimension, newMaxSequenceLength);
  }

  private static String nameFromPath(Path onnx) {
    String file = onnx.getFileName().toString();
    String stem = file.endsWith(".onnx") ? file.substring(0, file.length() - 5) : file;
    if (!stem.equals("model")) {
      return stem;
    }
    Path dir = onnx.getParent();
    if (dir != null && dir.getFileName() != null && dir.getFileName().toString().equals("onnx")) {
      dir = dir.getParent();
    }
    return dir == null || dir.getFileName() == null ? stem : dir.getFileName().toString();
  }

  static String sha256Prefix(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot hash model file " + file + ": " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash model file: SHA-256 is not available", e);
    }
  }
}
