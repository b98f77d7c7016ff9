package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ModelSpecTest {

  private static final ModelSpec MINILM = Models.ALL_MINILM_L6_V2;

  @Test
  void modelConstantsDescribeTheShippedModels() {
    assertThat(MINILM.pooling()).isEqualTo(Pooling.MEAN);
    assertThat(MINILM.normalize()).isTrue();
    assertThat(MINILM.dimension()).isEqualTo(384);
    assertThat(MINILM.maxSequenceLength()).isEqualTo(256);
    assertThat(Models.BGE_SMALL_EN_V15.pooling()).isEqualTo(Pooling.CLS);
    assertThat(Models.BGE_SMALL_EN_V15.normalize()).isTrue();
    assertThat(Models.BGE_SMALL_EN_V15.dimension()).isEqualTo(384);
    assertThat(Models.BGE_SMALL_EN_V15.maxSequenceLength()).isEqualTo(512);
  }

  @Test
  void modelVersionsAreTheHashesOfTheShippedOnnxFiles() throws Exception {
    for (ModelSpec spec : new ModelSpec[] {MINILM, Models.BGE_SMALL_EN_V15}) {
      assertThat(spec.version())
          .as(spec.name())
          .isEqualTo("onnx-sha256:" + sha256Prefix(spec.onnx()));
    }
  }

  @Test
  void withMethodsReturnChangedCopies() {
    ModelSpec changed =
        MINILM
            .withName("renamed")
            .withVersion("v2")
            .withPooling(Pooling.CLS)
            .withNormalize(false)
            .withMaxSequenceLength(128);

    assertThat(changed.name()).isEqualTo("renamed");
    assertThat(changed.version()).isEqualTo("v2");
    assertThat(changed.pooling()).isEqualTo(Pooling.CLS);
    assertThat(changed.normalize()).isFalse();
    assertThat(changed.maxSequenceLength()).isEqualTo(128);
    assertThat(changed.onnx()).isEqualTo(MINILM.onnx());
    assertThat(MINILM.name()).isEqualTo("all-MiniLM-L6-v2");
    assertThat(MINILM.withName("all-MiniLM-L6-v2")).isEqualTo(MINILM).hasSameHashCodeAs(MINILM);
  }

  @Test
  void validatesFields() {
    assertThatThrownBy(() -> MINILM.withName(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create ModelSpec: name is blank:  ");
    assertThatThrownBy(() -> MINILM.withVersion(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create ModelSpec for all-MiniLM-L6-v2: version is blank: ");
    assertThatThrownBy(() -> MINILM.withMaxSequenceLength(1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot create ModelSpec for all-MiniLM-L6-v2: maxSequenceLength must be >= 2 (room"
                + " for the special tokens): 1");
    assertThatThrownBy(
            () ->
                new ModelSpec(
                    "m", "v", MINILM.onnx(), MINILM.tokenizer(), Pooling.MEAN, true, 0, 128))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot create ModelSpec for m: dimension must be > 0: 0");
    assertThatThrownBy(() -> ModelFile.classpath("/leading-slash.onnx", "g:a:v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Cannot use classpath resource: name must be non-blank without a leading '/':"
                + " /leading-slash.onnx");
  }

  @Test
  void pathFilesAreAbsoluteAndNormalised() {
    Path relative = Path.of("models/../models/e5.onnx");
    assertThat(ModelFile.path(relative))
        .isEqualTo(ModelFile.path(relative.toAbsolutePath().normalize()));
    assertThat(ModelFile.path(relative).describe())
        .isEqualTo(relative.toAbsolutePath().normalize().toString());
    assertThat(MINILM.onnx().describe()).isEqualTo("classpath:all-minilm-l6-v2.onnx");
  }

  private static String sha256Prefix(ModelFile file) throws IOException, NoSuchAlgorithmException {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (InputStream in = file.open()) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
  }
}
