package io.lakebeam.transforms.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.multimodal.image.TinyOnnx;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.TestVideos;
import io.lakebeam.multimodal.video.VideoLimits;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.beam.sdk.Pipeline;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Videos and images to frame rows end to end on the Direct and Flink runners: thumbnails in the
 * lake's storage, hashes, audio metadata, image embeddings from a real ONNX model, a vector index
 * over the frames, and every kind of bad file in the failures table.
 */
class MediaIngestTest {
  private static final float[][] W = {{1, 0, 0.5f, 0.2f}, {0, 1, 0.5f, 0.2f}, {0, 0, 1, 0.2f}};

  @TempDir Path dir;
  private Lakehouse lake;
  private Path media;
  private ImageModelSpec model;

  @BeforeEach
  void setUp() throws Exception {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    media = Files.createDirectories(dir.resolve("media"));
    TestVideos.scenes(media.resolve("drive.mp4"), "mp4", 160, 120, 25, 6, 1.5, 50, true);
    TestVideos.variableFrameRate(media.resolve("vfr.mkv"), 96, 64, 3);
    ImageIO.write(
        TestVideos.picture(160, 120, 0.2, 1.5), "png", media.resolve("still.png").toFile());
    // Bad input, one of each kind.
    Files.write(media.resolve("empty.mp4"), new byte[0]);
    byte[] junk = new byte[32 * 1024];
    new Random(3).nextBytes(junk);
    Files.write(media.resolve("corrupt.mp4"), junk);
    byte[] whole = Files.readAllBytes(media.resolve("drive.mp4"));
    Files.write(media.resolve("truncated.mp4"), Arrays.copyOf(whole, whole.length / 2));
    Path codec =
        TestVideos.scenes(media.resolve("codec.mkv"), "matroska", 96, 64, 25, 1, 1, 25, false);
    TestVideos.patch(codec, "V_MPEG4/ISO/ASP", "V_LAKEBEAM/ZZZZ");
    TestVideos.scenes(media.resolve("huge.mp4"), "mp4", 320, 240, 25, 1, 1, 25, false);
    Files.writeString(media.resolve("notes.jpg"), "not a picture", StandardCharsets.UTF_8);
    model =
        ImageModelSpec.imagenet(TinyOnnx.pooledProjection(dir.resolve("tiny.onnx"), 8, W))
            .withInputSize(8);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private MediaIngest ingest() {
    return MediaIngest.of(media.toString(), lake, "drives")
        .withSampling(
            FrameSampling.none().keyframes().orEvery(Duration.ofSeconds(2)).withSceneChange(0.3))
        .withLimits(VideoLimits.defaults().withMaxPixels(200 * 150))
        .withImageModel(model);
  }

  @ParameterizedTest
  @EnumSource(
      value = Runner.class,
      names = {"DIRECT", "FLINK"})
  void everyFileEndsUpAsFramesOrAFailure(Runner runner) throws Exception {
    MediaIngest ingest = ingest();
    Pipelines.run(runner, ingest::applyTo);

    List<Record> frames =
        rows(
            "drives.frames",
            "frame_id",
            "uri",
            "media_type",
            "frame_number",
            "timestamp_ms",
            "sample_reason",
            "thumbnail_uri",
            "width",
            "phash",
            "audio_codec",
            "audio_sample_rate",
            "variable_frame_rate",
            "embedding");
    Map<String, String> failures = new HashMap<>();
    rows("drives.failures", "uri", "stage", "reason")
        .forEach(r -> failures.put(name(r.getField("uri")), (String) r.getField("reason")));

    assertThat(failures)
        .containsOnlyKeys(
            "empty.mp4", "corrupt.mp4", "truncated.mp4", "codec.mkv", "huge.mp4", "notes.jpg");
    assertThat(failures.get("empty.mp4")).contains("the file is empty");
    assertThat(failures.get("corrupt.mp4")).contains("not a readable video");
    assertThat(failures.get("truncated.mp4")).contains("not a readable video");
    assertThat(failures.get("codec.mkv")).contains("no decoder");
    assertThat(failures.get("huge.mp4")).contains("320x240 is over the limit");
    assertThat(failures.get("notes.jpg")).contains("not an image");
    assertThat(failures.values()).allSatisfy(r -> assertThat(r).startsWith("Cannot decode"));

    List<Record> drive = framesOf(frames, "drive.mp4");
    // Keyframes 0, 50, 100 (+ any the encoder put at a cut), every 2 s, and the cuts at 38, 75,
    // 113.
    assertThat(drive)
        .extracting(r -> (Long) r.getField("frame_number"))
        .contains(0L, 38L, 50L, 75L, 100L, 113L);
    assertThat(drive).allSatisfy(r -> assertThat(r.getField("audio_codec")).isEqualTo("aac"));
    assertThat(drive)
        .allSatisfy(r -> assertThat(r.getField("audio_sample_rate")).isEqualTo(16_000));
    assertThat(framesOf(frames, "vfr.mkv"))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getField("variable_frame_rate")).isEqualTo(true));
    assertThat(framesOf(frames, "still.png"))
        .singleElement()
        .satisfies(r -> assertThat(r.getField("sample_reason")).isEqualTo("image"));
    assertThat(frames)
        .allSatisfy(
            r -> {
              String thumb = (String) r.getField("thumbnail_uri");
              assertThat(thumb).startsWith(dir.resolve("lake").toString()).endsWith(".jpg");
              assertThat(Files.size(Path.of(thumb))).isGreaterThan(100);
              assertThat((List<?>) r.getField("embedding")).hasSize(4);
            });
    assertThat(frames.stream().map(r -> r.getField("frame_id")).distinct()).hasSize(frames.size());
    long files = Files.list(media).count();
    assertThat(frames.stream().map(r -> r.getField("uri")).distinct().count() + failures.size())
        .as("in = out + failures")
        .isEqualTo(files);
  }

  @Test
  void framesAreSearchableByVectorAndReingestingReplacesThem() throws Exception {
    MediaIngest ingest = ingest();
    Pipelines.run(Runner.DIRECT, ingest::applyTo);
    assertThat(ingest.refreshIndex()).containsEntry("action", "built");
    Collection frames = lake.collection("drives.frames").refreshMetadata();
    long count = TableState.of(frames.table()).liveRowCount();

    Record first =
        framesOf(rows("drives.frames", "uri", "frame_number", "embedding"), "drive.mp4").get(0);
    List<?> v = (List<?>) first.getField("embedding");
    float[] query = new float[v.size()];
    for (int i = 0; i < query.length; i++) {
      query[i] = ((Number) v.get(i)).floatValue();
    }
    List<SearchHit> hits =
        lake.indexes()
            .search(frames, new SearchRequest("embedding", new float[][] {query}, 5, 0, null))
            .get(0);
    assertThat(hits).hasSize(5);
    assertThat(hits.get(0).score()).isGreaterThan(0.999f);

    Pipelines.run(Runner.DIRECT, ingest()::applyTo);
    assertThat(
            TableState.of(lake.collection("drives.frames").refreshMetadata().table())
                .liveRowCount())
        .isEqualTo(count);
  }

  @Test
  void settingsAreCheckedBeforeThePipelineRuns() {
    assertThatThrownBy(
            () ->
                Pipelines.run(
                    Runner.DIRECT,
                    (Pipeline p) -> p.apply(Media.read(media.toString())).apply(Frames.extract())))
        .hasMessageContaining("Cannot extract frames: thumbnails are written to a lakehouse");
    assertThatThrownBy(
            () ->
                Pipelines.run(
                    Runner.DIRECT,
                    (Pipeline p) ->
                        p.apply(Media.read(media.resolve("still.png").toString()))
                            .apply(Frames.extract().withLakehouse(lake))
                            .apply(io.lakebeam.transforms.embed.Embed.image())))
        .hasMessageContaining("Cannot embed images without a model");
    assertThatThrownBy(() -> Frames.extract().withSceneChange(0))
        .hasMessageContaining("Cannot detect scene changes at threshold 0.0");
  }

  private static List<Record> framesOf(List<Record> frames, String file) {
    return frames.stream()
        .filter(r -> name(r.getField("uri")).equals(file))
        .sorted(java.util.Comparator.comparing(r -> (Long) r.getField("frame_number")))
        .toList();
  }

  private List<Record> rows(String collection, String... columns) {
    Collection c = lake.collection(collection).refreshMetadata();
    return LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns));
  }

  private static String name(Object uri) {
    return Path.of((String) uri).getFileName().toString();
  }
}
