package io.lakebeam.flight;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import java.util.List;

/**
 * Embeds text queries on the server with the model recorded beside the searched vector field, so
 * queries and stored vectors always come from the same weights.
 */
final class QueryEmbedder {
  static final int MAX_TEXTS = 1024;

  private QueryEmbedder() {}

  static float[][] embed(Collection c, String fieldName, List<String> texts) {
    if (texts.isEmpty() || texts.size() > MAX_TEXTS) {
      throw Errors.invalid(
          "Cannot search with %d texts: send 1 to %d per request", texts.size(), MAX_TEXTS);
    }
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null || texts.get(i).isBlank()) {
        throw Errors.invalid("Cannot search with text %d: it is empty", i);
      }
    }
    VectorField field = c.vectorField(fieldName);
    if (field.model() == null) {
      throw Errors.invalid(
          "Cannot search '%s.%s' with text: the field records no embedding model; search with"
              + " vectors, or write the column with Embed.text() so its model is recorded",
          c.name(), field.name());
    }
    ModelSpec spec = Models.find(field.model());
    if (spec == null) {
      throw Errors.invalid(
          "Cannot search '%s.%s' with text: its model %s is not one this server can load (it"
              + " loads %s); embed the query with that model and search with vectors",
          c.name(),
          field.name(),
          field.model(),
          List.of(
              Models.ALL_MINILM_L6_V2.name() + "@" + Models.ALL_MINILM_L6_V2.version(),
              Models.BGE_SMALL_EN_V15.name() + "@" + Models.BGE_SMALL_EN_V15.version()));
    }
    return OnnxTextEmbedder.load(spec).embed(texts);
  }
}
