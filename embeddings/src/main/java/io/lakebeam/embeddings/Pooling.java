package io.lakebeam.embeddings;

/**
 * How a model's per-token output ({@code [batch, tokens, hidden]}) becomes one vector per text.
 *
 * <p>Use the pooling the model was trained with; its model card or {@code 1_Pooling/config.json}
 * says which.
 *
 * <pre>{@code
 * ModelSpec spec = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.CLS, true);
 * }</pre>
 */
public enum Pooling {
  /**
   * Average of the token vectors whose attention mask is 1 (padding is ignored), as
   * sentence-transformers' {@code pooling_mode_mean_tokens}. Used by all-MiniLM-L6-v2.
   */
  MEAN,
  /** The vector of the first token ({@code [CLS]}). Used by the BGE family. */
  CLS
}
