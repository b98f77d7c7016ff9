package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link CrossEncoder} on a tiny model built in the test whose logit is the sum of token ids. */
class CrossEncoderTest {
  @TempDir static Path dir;
  static Path tokenizerJson;

  @BeforeAll
  static void copyTokenizer() throws IOException {
    tokenizerJson = dir.resolve("tokenizer.json");
    try (InputStream in = Models.ALL_MINILM_L6_V2.tokenizer().open()) {
      Files.copy(in, tokenizerJson);
    }
  }

  @Test
  void scoresEveryPairExactlyAcrossBatches() throws IOException {
    Path onnx = TinyCrossEncoderModel.write(dir.resolve("tiny-ce.onnx"), 1);
    CrossEncoder model = CrossEncoder.load(onnx, tokenizerJson);
    String query = "rotate keys";
    List<String> passages = new ArrayList<>();
    for (int i = 0; i < CrossEncoder.BATCH + 7; i++) { // two inference calls, padded batches
      passages.add("passage " + "word ".repeat(i % 5) + i);
    }

    float[] scores = model.score(query, passages);

    assertThat(model.name()).isEqualTo("tiny-ce");
    assertThat(scores).hasSize(passages.size());
    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of())) {
      for (int i = 0; i < passages.size(); i++) {
        long sum = 0;
        for (long id : tokenizer.encode(query, passages.get(i)).getIds()) {
          sum += id;
        }
        assertThat(scores[i]).as("pair %d", i).isEqualTo((float) sum);
      }
    }
    assertThat(CrossEncoder.load(onnx, tokenizerJson)).isSameAs(model);
  }

  @Test
  void modelWithSeveralOutputsPerPairIsRefused() throws IOException {
    Path onnx = TinyCrossEncoderModel.write(dir.resolve("wide.onnx"), 3);
    assertThatThrownBy(() -> CrossEncoder.load(onnx, tokenizerJson))
        .isInstanceOf(EmbeddingModelException.class)
        .hasMessageContaining("Cannot load cross-encoder wide: it outputs 3 values per input");
  }
}
