package io.lakebeam.multimodal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image-encoder path in a real ONNX Runtime session on hand-built ONNX graphs ({@link
 * TinyOnnx}) whose outputs the test computes exactly: preprocessing, CLS and mean pooling, feature
 * maps, batching, and node validation.
 */
class OnnxImageEmbedderTest {
  private static final float[][] W = {{1, 0, 2, 0.5f}, {0, 1, -1, 0.5f}, {0, 0, 1, 0.5f}};
  @TempDir static Path dir;
  private static Path pooled;
  private static Path tokens;
  private static Path features;

  @BeforeAll
  static void build() throws Exception {
    pooled = TinyOnnx.pooledProjection(dir.resolve("resnet-ish.onnx"), 8, W);
    tokens = TinyOnnx.tokenProjection(dir.resolve("vit-ish.onnx"), 8, W);
    features = TinyOnnx.featureMap(dir.resolve("backbone.onnx"), 8);
  }

  /** An 8x8 picture whose left half is {@code left}, right half {@code right}. */
  private static BufferedImage halves(Color left, Color right) {
    BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = img.createGraphics();
    g.setColor(left);
    g.fillRect(0, 0, 4, 8);
    g.setColor(right);
    g.fillRect(4, 0, 4, 8);
    g.dispose();
    return img;
  }

  /** x W for an RGB row vector x. */
  private static float[] project(double[] rgb) {
    float[] out = new float[W[0].length];
    for (int j = 0; j < out.length; j++) {
      for (int c = 0; c < 3; c++) {
        out[j] += (float) (rgb[c] * W[c][j]);
      }
    }
    return out;
  }

  /** Pixel values after ImageNet-style normalisation with mean 0.5 and std 0.25. */
  private static double[] norm(Color c) {
    return new double[] {
      (c.getRed() / 255.0 - 0.5) / 0.25,
      (c.getGreen() / 255.0 - 0.5) / 0.25,
      (c.getBlue() / 255.0 - 0.5) / 0.25
    };
  }

  private static ImageModelSpec spec(Path onnx) {
    return ImageModelSpec.fromPath(onnx)
        .withInputSize(8)
        .withNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.25f, 0.25f, 0.25f})
        .withNormalize(false);
  }

  @Test
  void aPooledProjectionGivesTheMeanColourTimesW() {
    Color a = new Color(255, 0, 0);
    Color b = new Color(0, 0, 255);
    try (OnnxImageEmbedder e = OnnxImageEmbedder.load(spec(pooled))) {
      assertThat(e.dimension()).isEqualTo(4);
      float[][] v = e.embed(List.of(halves(a, b), halves(b, b)));
      double[] na = norm(a);
      double[] nb = norm(b);
      double[] mean = {(na[0] + nb[0]) / 2, (na[1] + nb[1]) / 2, (na[2] + nb[2]) / 2};
      assertThat(v[0]).containsExactly(project(mean), within(1e-4f));
      assertThat(v[1]).containsExactly(project(nb), within(1e-4f));
    }
  }

  @Test
  void tokensPoolByTheFirstTokenOrTheMean() {
    Color a = new Color(0, 255, 0);
    Color b = new Color(255, 255, 255);
    BufferedImage img = halves(a, b);
    try (OnnxImageEmbedder cls = OnnxImageEmbedder.load(spec(tokens));
        OnnxImageEmbedder mean =
            OnnxImageEmbedder.load(spec(tokens).withPooling(ImageModelSpec.Pooling.MEAN))) {
      // The first token is the top-left pixel.
      assertThat(cls.embed(img)).containsExactly(project(norm(a)), within(1e-4f));
      double[] na = norm(a);
      double[] nb = norm(b);
      assertThat(mean.embed(img))
          .containsExactly(
              project(new double[] {(na[0] + nb[0]) / 2, (na[1] + nb[1]) / 2, (na[2] + nb[2]) / 2}),
              within(1e-4f));
    }
  }

  @Test
  void featureMapsAreAveragedAndVectorsNormalised() {
    Color c = new Color(200, 100, 50);
    try (OnnxImageEmbedder e = OnnxImageEmbedder.load(spec(features).withNormalize(true))) {
      float[] v = e.embed(halves(c, c));
      double[] n = norm(c);
      double len = Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
      assertThat(v)
          .containsExactly(
              new float[] {(float) (n[0] / len), (float) (n[1] / len), (float) (n[2] / len)},
              within(1e-4f));
    }
  }

  @Test
  void aCentreCropKeepsTheMiddleOfAWidePicture() {
    BufferedImage wide = new BufferedImage(24, 8, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = wide.createGraphics();
    g.setColor(Color.BLACK);
    g.fillRect(0, 0, 24, 8);
    g.setColor(Color.WHITE);
    g.fillRect(8, 0, 8, 8);
    g.dispose();
    try (OnnxImageEmbedder e = OnnxImageEmbedder.load(spec(pooled))) {
      assertThat(e.embed(wide)).containsExactly(project(norm(Color.WHITE)), within(1e-4f));
    }
  }

  @Test
  void nodesAndSizesAreValidatedWithTheModelsOwnNames() {
    assertThatThrownBy(() -> OnnxImageEmbedder.load(spec(pooled).withOutput("logits")))
        .hasMessageContaining("Cannot use output node 'logits'")
        .hasMessageContaining("[embeds]");
    assertThatThrownBy(
            () ->
                OnnxImageEmbedder.load(
                    spec(tokens).withPooling(ImageModelSpec.Pooling.FIRST_TOKEN).withInputSize(16)))
        .hasMessageContaining("Cannot feed 16x16 pictures")
        .hasMessageContaining("withInputSize(8)");
    assertThatThrownBy(() -> ImageModelSpec.fromPath(dir.resolve("missing.onnx")))
        .hasMessageContaining("Cannot load image model");
    assertThat(spec(pooled).name()).isEqualTo("resnet-ish");
    assertThat(spec(pooled).version()).matches("onnx-sha256:[0-9a-f]{12}");
  }
}
