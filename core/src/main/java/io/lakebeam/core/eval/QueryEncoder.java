package io.lakebeam.core.eval;

import io.lakebeam.core.lake.VectorField;
import java.util.List;

/**
 * Embeds query texts for a vector field, with the model that field records; core has no model of
 * its own, so the caller passes one (the CLI and the Beam transform pass ONNX MiniLM / bge).
 *
 * <pre>{@code
 * QueryEncoder encoder = (field, texts) -> myModel.embed(texts);
 * }</pre>
 */
@FunctionalInterface
public interface QueryEncoder {
  /** One vector per text, in order, for {@code field}'s model. */
  float[][] encode(VectorField field, List<String> texts);

  /** An encoder for queries tables that carry their vectors: fails naming the missing column. */
  QueryEncoder NONE =
      (field, texts) -> {
        throw io.lakebeam.core.LakebeamException.invalid(
            "Cannot embed query texts for field '%s' here: add a vector column '%s' to the"
                + " queries table",
            field.name(), field.name());
      };
}
