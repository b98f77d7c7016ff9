package io.lakebeam.transforms.eval;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.eval.QueryEncoder;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Embeds evaluation query texts with the model a vector field records (all-MiniLM-L6-v2 when it
 * records none), with the built-in ONNX models; one loaded model per JVM and model, shared.
 *
 * <pre>{@code
 * RetrievalSystems.parse("vector:embedding_bge", ModelQueryEncoder.INSTANCE);
 * }</pre>
 */
public final class ModelQueryEncoder implements QueryEncoder, Serializable {
  private static final long serialVersionUID = 1L;

  /** The encoder (stateless; the loaded models are per JVM). */
  public static final ModelQueryEncoder INSTANCE = new ModelQueryEncoder();

  private static final ConcurrentHashMap<String, OnnxTextEmbedder> LOADED =
      new ConcurrentHashMap<>();

  private ModelQueryEncoder() {}

  @Override
  public float[][] encode(VectorField field, List<String> texts) {
    ModelSpec model = field.model() == null ? Models.ALL_MINILM_L6_V2 : Models.find(field.model());
    if (model == null) {
      throw LakebeamException.invalid(
          "Cannot embed query texts for '%s': its model %s is not built in; add a vector column"
              + " '%s' to the queries table",
          field.name(), field.model(), field.name());
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw LakebeamException.invalid(
            "Cannot embed a query for '%s': query %d has no text and no '%s' vector",
            field.name(), i, field.name());
      }
    }
    OnnxTextEmbedder embedder =
        LOADED.computeIfAbsent(model.name(), n -> OnnxTextEmbedder.load(model));
    return embedder.embed(texts);
  }

  private Object readResolve() {
    return INSTANCE;
  }
}
