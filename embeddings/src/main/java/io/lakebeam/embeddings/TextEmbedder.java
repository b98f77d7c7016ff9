package io.lakebeam.embeddings;

import java.util.List;

/**
 * Turns text into fixed-width float vectors with one sentence-embedding model.
 *
 * <p>Implementations are thread-safe: one instance is meant to be shared by every thread of a
 * worker. Each call returns fresh arrays that the caller owns.
 *
 * <pre>{@code
 * try (TextEmbedder embedder = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2)) {
 *   float[][] vectors = embedder.embed(List.of("first document", "second document"));
 *   float[] query = embedder.embed("what is a vector lakebase?");
 * }
 * }</pre>
 */
public interface TextEmbedder extends AutoCloseable {

  /** Returns the number of floats in every vector this embedder produces. */
  int dimension();

  /** Returns the model's name, e.g. {@code all-MiniLM-L6-v2}; recorded beside stored vectors. */
  String modelName();

  /**
   * Returns the exact model version (which weights); vectors from different versions must not be
   * compared.
   */
  String modelVersion();

  /**
   * Embeds texts; element {@code i} of the result is the vector of {@code texts.get(i)}.
   *
   * <p>Empty strings are valid input. Texts longer than the model's maximum sequence length are
   * truncated.
   *
   * @throws IllegalArgumentException if an element is null; the message names its index
   */
  float[][] embed(List<String> texts);

  /**
   * Embeds one text.
   *
   * @throws IllegalArgumentException if {@code text} is null
   */
  default float[] embed(String text) {
    if (text == null) {
      throw new IllegalArgumentException("Cannot embed: text at index 0 is null");
    }
    return embed(List.of(text))[0];
  }

  /** Releases what this embedder owns; see the implementation for what that is. */
  @Override
  void close();
}
