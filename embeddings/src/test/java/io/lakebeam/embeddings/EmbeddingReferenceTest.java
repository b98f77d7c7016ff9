package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Compares Java vectors with vectors from the Python reference implementations (see {@code
 * reference-vectors.json} for how each was made).
 */
class EmbeddingReferenceTest {

  private static final double MIN_COSINE = 0.9999;

  private static final ReferenceVectors REFERENCE = ReferenceVectors.load();

  @Test
  void miniLmMatchesSentenceTransformers() {
    assertMatchesReference(Models.ALL_MINILM_L6_V2);
  }

  @Test
  void bgeSmallMatchesPythonOnnxRuntimeWithClsPooling() {
    assertMatchesReference(Models.BGE_SMALL_EN_V15);
  }

  private static void assertMatchesReference(ModelSpec spec) {
    List<String> sentences = REFERENCE.sentences();
    float[][] expected = REFERENCE.vectors(spec.name());
    TextEmbedder embedder = OnnxTextEmbedder.load(spec);

    float[][] actual = embedder.embed(sentences);

    assertThat(actual.length).isEqualTo(expected.length);
    for (int i = 0; i < sentences.size(); i++) {
      assertThat(actual[i]).hasSize(spec.dimension());
      assertThat(ReferenceVectors.cosine(actual[i], expected[i]))
          .as("%s, sentence %d: %s", spec.name(), i, sentences.get(i))
          .isGreaterThanOrEqualTo(MIN_COSINE);
    }
  }
}
