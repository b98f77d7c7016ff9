package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ModelSpec#fromPath} and exact pooling arithmetic on {@code tiny-encoder.onnx}, a toy model
 * made by {@code src/test/python/make_tiny_encoder.py}: {@code hidden[t] = TABLE[id[t] % 8] *
 * mask[t]}, inputs {@code input_ids} and {@code attention_mask} only (no {@code token_type_ids}),
 * and an output width that only a real run reveals.
 */
class TinyEncoderTest {

  /** The table inside tiny-encoder.onnx: row r is {4r+1, 4r+2, 4r+3, 4r+4}. */
  private static float[] tableRow(long id) {
    int r = (int) (id % 8);
    return new float[] {4 * r + 1, 4 * r + 2, 4 * r + 3, 4 * r + 4};
  }

  @TempDir static Path dir;
  private static Path onnx;
  private static Path tokenizerJson;

  @BeforeAll
  static void copyFiles() throws IOException, URISyntaxException {
    onnx = dir.resolve("tiny-encoder.onnx");
    try (InputStream in = TinyEncoderTest.class.getResourceAsStream("tiny-encoder.onnx")) {
      Files.copy(in, onnx);
    }
    tokenizerJson = dir.resolve("tokenizer.json");
    try (InputStream in = Models.ALL_MINILM_L6_V2.tokenizer().open()) {
      Files.copy(in, tokenizerJson);
    }
  }

  @Test
  void fromPathReadsDimensionFromTheModelAndNamesIt() {
    ModelSpec spec = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.MEAN, false);

    assertThat(spec.dimension()).isEqualTo(4);
    assertThat(spec.name()).isEqualTo("tiny-encoder");
    assertThat(spec.version()).isEqualTo("onnx-sha256:" + ModelSpec.sha256Prefix(onnx));
    assertThat(spec.version()).matches("onnx-sha256:[0-9a-f]{12}");
    assertThat(spec.maxSequenceLength()).isEqualTo(ModelSpec.DEFAULT_MAX_SEQUENCE_LENGTH);
    assertThat(spec.onnx()).isEqualTo(ModelFile.path(onnx));
    assertThat(spec.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(spec.normalize()).isFalse();
  }

  @Test
  void fromPathUsesTheFolderNameForModelDotOnnx() throws IOException {
    Path exportDir = Files.createDirectories(dir.resolve("my-encoder").resolve("onnx"));
    Path model = Files.copy(onnx, exportDir.resolve("model.onnx"));

    assertThat(ModelSpec.fromPath(model, tokenizerJson, Pooling.CLS, true).name())
        .isEqualTo("my-encoder");
  }

  @Test
  void meanPoolingIsExactAndIgnoresPadding() throws IOException {
    ModelSpec spec = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.MEAN, false);
    List<String> texts =
        List.of(
            "a much longer sentence so that the others in its batch need padding",
            "hi",
            "",
            "medium length text here");
    // A budget large enough for one padded batch of all four texts.
    float[][] vectors = OnnxTextEmbedder.load(spec).withBatchTokenBudget(1000).embed(texts);

    try (HuggingFaceTokenizer tokenizer =
        HuggingFaceTokenizer.newInstance(
            tokenizerJson, Map.of("padding", "false", "truncation", "false"))) {
      for (int i = 0; i < texts.size(); i++) {
        long[] ids = tokenizer.encode(texts.get(i)).getIds();
        float[] expected = new float[4];
        for (long id : ids) {
          float[] row = tableRow(id);
          for (int d = 0; d < 4; d++) {
            expected[d] += row[d] / ids.length;
          }
        }
        for (int d = 0; d < 4; d++) {
          assertThat(vectors[i][d]).as("text %d, dim %d", i, d).isCloseTo(expected[d], within());
        }
      }
    }
  }

  @Test
  void clsPoolingTakesTheFirstTokenAndNormalises() {
    ModelSpec spec = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.CLS, true);
    float[] cls = tableRow(101); // [CLS] is id 101 in the BERT vocabulary
    double norm = Math.sqrt(cls[0] * cls[0] + cls[1] * cls[1] + cls[2] * cls[2] + cls[3] * cls[3]);

    for (float[] v : OnnxTextEmbedder.load(spec).embed(List.of("first", "second text", ""))) {
      for (int d = 0; d < 4; d++) {
        assertThat(v[d]).isCloseTo((float) (cls[d] / norm), within());
      }
    }
  }

  @Test
  void specDimensionMustMatchTheModel() {
    ModelSpec fromPath = ModelSpec.fromPath(onnx, tokenizerJson, Pooling.MEAN, true);
    ModelSpec wrong =
        new ModelSpec(
            "wrong-width",
            fromPath.version(),
            fromPath.onnx(),
            fromPath.tokenizer(),
            Pooling.MEAN,
            true,
            5,
            64);

    assertThatThrownBy(() -> OnnxTextEmbedder.load(wrong))
        .isInstanceOf(EmbeddingModelException.class)
        .hasMessage(
            "Cannot load model wrong-width: the spec says dimension 5 but the model outputs"
                + " vectors of 4; fix ModelSpec.dimension");
  }

  @Test
  void fromPathRejectsMissingAndInvalidFiles() {
    Path missing = dir.resolve("missing.onnx");
    assertThatThrownBy(() -> ModelSpec.fromPath(missing, tokenizerJson, Pooling.MEAN, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot load model missing: " + missing + " does not exist or is not a file");

    // A JSON file is not an ONNX model.
    assertThatThrownBy(() -> ModelSpec.fromPath(tokenizerJson, tokenizerJson, Pooling.MEAN, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot load model tokenizer.json from " + tokenizerJson);

    // An ONNX file is not a tokenizer.json.
    assertThatThrownBy(() -> ModelSpec.fromPath(onnx, onnx, Pooling.MEAN, true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot load model tiny-encoder: cannot read tokenizer")
        .hasMessageContaining("it must be a HuggingFace tokenizer.json");
  }

  private static org.assertj.core.data.Offset<Float> within() {
    return org.assertj.core.data.Offset.offset(1e-5f);
  }
}
