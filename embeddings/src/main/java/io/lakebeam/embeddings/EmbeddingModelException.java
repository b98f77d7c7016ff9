package io.lakebeam.embeddings;

/**
 * A model could not be loaded or run. The message reads {@code Cannot load model <name>: ...} or
 * {@code Cannot embed with model <name>: ...} and says what to check.
 *
 * <pre>{@code
 * try {
 *   OnnxTextEmbedder.load(spec);
 * } catch (EmbeddingModelException e) {
 *   // e.getMessage(): "Cannot load model e5: file /models/e5/model.onnx does not exist ..."
 * }
 * }</pre>
 */
public final class EmbeddingModelException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message and its cause. */
  public EmbeddingModelException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Creates the exception with a message. */
  public EmbeddingModelException(String message) {
    super(message);
  }
}
