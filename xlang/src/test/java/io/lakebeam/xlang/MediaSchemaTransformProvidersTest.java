package io.lakebeam.xlang;

import static io.lakebeam.xlang.CurationSchemaTransformProvidersTest.config;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.multimodal.image.TinyOnnx;
import io.lakebeam.transforms.lake.VectorOptions;
import io.lakebeam.transforms.media.FrameRows;
import io.lakebeam.transforms.media.MediaRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionRowTuple;
import org.apache.beam.sdk.values.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * documents_read, embed_image and frames expanded from configuration rows (as the expansion service
 * does); documents_read also runs on the Java Direct runner; one bad option each.
 */
class MediaSchemaTransformProvidersTest {
  private static final float[][] W = {{1, 0, 0.5f, 0.2f}, {0, 1, 0.5f, 0.2f}, {0, 0, 1, 0.2f}};

  @TempDir Path dir;

  private static PCollection<Row> output(
      LakebeamSchemaTransformProvider provider, Row config, PCollectionRowTuple input) {
    return input.apply(provider.identifier(), provider.from(config)).get("output");
  }

  @Test
  void documentsReadExtractsEveryFileOfThePattern() throws Exception {
    Path raw = Files.createDirectories(dir.resolve("raw"));
    for (int i = 0; i < 3; i++) {
      Files.writeString(raw.resolve("doc" + i + ".txt"), "Document number " + i + " about lakes.");
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollection<Row> docs =
        output(
            new DocumentsReadSchemaTransformProvider(),
            config("pattern", raw.toString()),
            PCollectionRowTuple.empty(p));
    assertThat(docs.getSchema().getFieldNames()).contains("doc_id", "uri", "text");
    PAssert.that(docs)
        .satisfies(
            rows -> {
              List<String> texts = new ArrayList<>();
              rows.forEach(r -> texts.add(r.getString("text").strip()));
              assertThat(texts)
                  .containsExactlyInAnyOrder(
                      "Document number 0 about lakes.",
                      "Document number 1 about lakes.",
                      "Document number 2 about lakes.");
              return null;
            });
    assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
  }

  @Test
  void embedImageAddsAVectorFieldOfTheModelsDimension() throws Exception {
    Path onnx = TinyOnnx.pooledProjection(dir.resolve("tiny.onnx"), 8, W);
    Schema pictures = Schema.builder().addStringField("id").addStringField("picture").build();
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionRowTuple input = PCollectionRowTuple.of("input", p.apply(Create.empty(pictures)));
    PCollection<Row> embedded =
        output(
            new EmbedImageSchemaTransformProvider(),
            config(
                "model_path", onnx.toString(),
                "normalization", "imagenet",
                "input_size", 8,
                "input_field", "picture",
                "output_field", "image_vector"),
            input);
    Schema.Field vector = embedded.getSchema().getField("image_vector");
    assertThat(VectorOptions.dimension(vector)).isEqualTo(4);
  }

  @Test
  void framesExpandToOneRowPerFrame() {
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    PCollectionRowTuple media =
        PCollectionRowTuple.of("input", p.apply(Create.empty(MediaRows.SCHEMA)));
    PCollection<Row> frames =
        output(
            new FramesSchemaTransformProvider(),
            config("lakehouse", dir.toString(), "keyframes", true, "every_ms", 1000L),
            media);
    assertThat(frames.getSchema()).isEqualTo(FrameRows.SCHEMA);
  }

  @Test
  void aBadOptionOfEachProviderFailsAtExpansionNamingIt() {
    assertThatThrownBy(
            () ->
                new DocumentsReadSchemaTransformProvider()
                    .from(config("pattern", "/data/**", "skip_unchanged_in", "kb.documents")))
        .hasMessageContaining("option 'skip_unchanged_in' applies only when lakehouse is set");
    assertThatThrownBy(
            () ->
                new EmbedImageSchemaTransformProvider()
                    .from(config("model_path", dir.resolve("missing.onnx").toString())))
        .hasMessageContaining("missing.onnx: no such file");
    assertThatThrownBy(
            () ->
                new FramesSchemaTransformProvider()
                    .from(config("lakehouse", dir.toString(), "scene_change", 1.5)))
        .hasMessageContaining("Cannot detect scene changes at threshold 1.5");
  }
}
