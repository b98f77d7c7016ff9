package io.lakebeam.embeddings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The sentences and reference vectors in {@code reference-vectors.json}, made by {@code
 * src/test/python/make_reference_vectors.py}.
 */
final class ReferenceVectors {

  private final JsonNode root;

  private ReferenceVectors(JsonNode root) {
    this.root = root;
  }

  static ReferenceVectors load() {
    try (InputStream in = ReferenceVectors.class.getResourceAsStream("reference-vectors.json")) {
      return new ReferenceVectors(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  List<String> sentences() {
    List<String> sentences = new ArrayList<>();
    root.get("sentences").forEach(s -> sentences.add(s.asText()));
    return sentences;
  }

  float[][] vectors(String model) {
    JsonNode vectors = root.get("models").get(model).get("vectors");
    float[][] out = new float[vectors.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = vectors.get(i);
      out[i] = new float[v.size()];
      for (int d = 0; d < v.size(); d++) {
        out[i][d] = (float) v.get(d).asDouble();
      }
    }
    return out;
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      na += (double) a[i] * a[i];
      nb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }

  static double norm(float[] v) {
    double sq = 0;
    for (float x : v) {
      sq += (double) x * x;
    }
    return Math.sqrt(sq);
  }
}
