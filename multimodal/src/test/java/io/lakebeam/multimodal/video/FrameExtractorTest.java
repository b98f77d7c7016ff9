package io.lakebeam.multimodal.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Frame sampling on real videos recorded by FFmpeg, and every kind of bad video. */
class FrameExtractorTest {
  @TempDir static Path dir;
  private static Path video;

  /** 6 s at 25 fps, 160x120, a cut every 1.5 s, a keyframe every 50 frames, mono AAC audio. */
  @BeforeAll
  static void record() throws Exception {
    video = TestVideos.scenes(dir.resolve("drive.mp4"), "mp4", 160, 120, 25, 6, 1.5, 50, true);
  }

  private static List<SampledFrame> sample(Path file, FrameSampling s, VideoLimits limits)
      throws Exception {
    List<SampledFrame> frames = new ArrayList<>();
    FrameExtractor.extract(file, file.toString(), s, limits, frames::add);
    return frames;
  }

  @Test
  void intervalSamplingKeepsOneFramePerIntervalAndTheVideosMetadata() throws Exception {
    List<SampledFrame> frames = new ArrayList<>();
    VideoInfo info =
        FrameExtractor.extract(
            video,
            "drive.mp4",
            FrameSampling.none().orEvery(Duration.ofSeconds(2)),
            VideoLimits.defaults(),
            frames::add);

    assertThat(frames).extracting(SampledFrame::timestampMs).containsExactly(0L, 2000L, 4000L);
    assertThat(frames).extracting(SampledFrame::frameNumber).containsExactly(0L, 50L, 100L);
    assertThat(frames).extracting(SampledFrame::reason).containsOnly("interval");
    assertThat(frames.get(0).image().getWidth()).isEqualTo(160);
    assertThat(frames.get(0).image().getHeight()).isEqualTo(120);
    assertThat(info.width()).isEqualTo(160);
    assertThat(info.height()).isEqualTo(120);
    assertThat(info.frameRate()).isEqualTo(25.0);
    assertThat(info.framesDecoded()).isEqualTo(150);
    assertThat(info.durationMs()).isBetween(5900L, 6200L);
    assertThat(info.videoCodec()).isEqualTo("mpeg4");
    assertThat(info.audioCodec()).isEqualTo("aac");
    assertThat(info.audioSampleRate()).isEqualTo(16_000);
    assertThat(info.audioChannels()).isEqualTo(1);
    assertThat(info.variableFrameRate()).isFalse();
  }

  @Test
  void keyframesAloneDecodeOnlyKeyframesAndFindTheSameOnes() throws Exception {
    List<SampledFrame> fast =
        sample(video, FrameSampling.none().keyframes(), VideoLimits.defaults());
    List<Long> decodedKeyframes =
        sample(
                video,
                FrameSampling.none().keyframes().orEvery(Duration.ofHours(1)),
                VideoLimits.defaults())
            .stream()
            .filter(SampledFrame::keyframe)
            .map(SampledFrame::frameNumber)
            .toList();

    // Every 50th frame, plus any the encoder put at a cut.
    assertThat(fast).extracting(SampledFrame::frameNumber).contains(0L, 50L, 100L);
    assertThat(fast).extracting(SampledFrame::frameNumber).isEqualTo(decodedKeyframes);
    assertThat(fast).allSatisfy(f -> assertThat(f.keyframe()).isTrue());
  }

  @Test
  void sceneChangesAreFoundAtTheCuts() throws Exception {
    List<SampledFrame> frames =
        sample(video, FrameSampling.none().withSceneChange(0.3), VideoLimits.defaults());

    // Cuts at 1.5, 3.0 and 4.5 s: frames 37.5 -> 38, 75, 112.5 -> 113 (first frame of a scene).
    assertThat(frames).extracting(SampledFrame::frameNumber).containsExactly(38L, 75L, 113L);
    assertThat(frames).allSatisfy(f -> assertThat(f.sceneScore()).isGreaterThan(0.3));
    assertThat(frames).extracting(SampledFrame::reason).containsOnly("scene");
  }

  @Test
  void criteriaCombineAndThumbnailsAreScaled() throws Exception {
    List<SampledFrame> frames =
        sample(
            video,
            FrameSampling.none().keyframes().orEvery(Duration.ofSeconds(3)).withSceneChange(0.3),
            VideoLimits.defaults().withThumbnailSide(64));

    assertThat(frames)
        .extracting(SampledFrame::frameNumber)
        .containsExactly(0L, 38L, 50L, 75L, 100L, 113L);
    assertThat(frames.get(0).reason()).isEqualTo("keyframe");
    assertThat(frames).extracting(SampledFrame::reason).contains("interval", "scene");
    assertThat(frames.get(0).image().getWidth()).isEqualTo(64);
    assertThat(frames.get(0).image().getHeight()).isEqualTo(48);
  }

  @Test
  void maxFramesStopsSampling() throws Exception {
    assertThat(
            sample(
                video,
                FrameSampling.none().orEvery(Duration.ofMillis(100)),
                VideoLimits.defaults().withMaxFrames(7)))
        .hasSize(7);
  }

  @Test
  void variableFrameRateIsSampledByTimestamp() throws Exception {
    Path vfr = TestVideos.variableFrameRate(dir.resolve("vfr.mkv"), 96, 64, 4);
    List<SampledFrame> frames = new ArrayList<>();
    VideoInfo info =
        FrameExtractor.extract(
            vfr,
            "vfr.mkv",
            FrameSampling.none().orEvery(Duration.ofSeconds(1)),
            VideoLimits.defaults(),
            frames::add);

    assertThat(info.variableFrameRate()).isTrue();
    assertThat(frames).hasSize(4);
    for (int i = 0; i < frames.size(); i++) {
      // The first frame at or after each second; the largest gap is 150 ms.
      assertThat(frames.get(i).timestampMs()).isBetween(i * 1000L, i * 1000L + 150);
    }
    assertThat(frames.get(1).frameNumber()).isEqualTo(horizon(1_000_000));
  }

  /** The index of the first VFR test frame at or after {@code micros}. */
  private static long horizon(long micros) {
    long[] gaps = {30_000, 70_000, 150_000};
    long t = 0;
    int i = 0;
    while (t < micros) {
      t += gaps[i % 3];
      i++;
    }
    return i;
  }

  @Test
  void anEmptyFileFails() throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.mp4"));
    assertThatThrownBy(() -> sample(empty, FrameSampling.none(), VideoLimits.defaults()))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.EMPTY))
        .hasMessageStartingWith("Cannot decode " + empty + ": the file is empty");
  }

  @Test
  void randomBytesAndATruncatedMp4AreCorrupt() throws Exception {
    byte[] junk = new byte[64 * 1024];
    new Random(7).nextBytes(junk);
    Path random = Files.write(dir.resolve("junk.mp4"), junk);
    byte[] whole = Files.readAllBytes(video);
    Path truncated =
        Files.write(dir.resolve("truncated.mp4"), java.util.Arrays.copyOf(whole, whole.length / 2));

    for (Path bad : List.of(random, truncated)) {
      assertThatThrownBy(() -> sample(bad, FrameSampling.none(), VideoLimits.defaults()))
          .isInstanceOfSatisfying(
              MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.CORRUPT))
          .hasMessageContaining("not a readable video");
    }
  }

  @Test
  void aTruncatedMatroskaFailsAsTruncated() throws Exception {
    Path mkv = TestVideos.scenes(dir.resolve("long.mkv"), "matroska", 96, 64, 25, 8, 2, 25, false);
    byte[] whole = Files.readAllBytes(mkv);
    Path truncated =
        Files.write(dir.resolve("cut.mkv"), java.util.Arrays.copyOf(whole, whole.length / 3));

    assertThatThrownBy(() -> sample(truncated, FrameSampling.none(), VideoLimits.defaults()))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.TRUNCATED))
        .hasMessageContaining("truncated");
  }

  @Test
  void anUnknownCodecIsUnsupported() throws Exception {
    Path mkv = TestVideos.scenes(dir.resolve("codec.mkv"), "matroska", 96, 64, 25, 1, 1, 25, false);
    TestVideos.patch(mkv, "V_MPEG4/ISO/ASP", "V_LAKEBEAM/ZZZZ");

    assertThatThrownBy(() -> sample(mkv, FrameSampling.none(), VideoLimits.defaults()))
        .isInstanceOfSatisfying(
            MediaException.class,
            e -> assertThat(e.reason()).isEqualTo(MediaFailure.UNSUPPORTED_CODEC))
        .hasMessageContaining("no decoder");
  }

  @Test
  void aPictureOverThePixelLimitFailsBeforeDecoding() throws Exception {
    assertThatThrownBy(
            () ->
                sample(
                    video, FrameSampling.none(), VideoLimits.defaults().withMaxPixels(100 * 100)))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.TOO_LARGE))
        .hasMessageContaining("resolution 160x120 is over the limit of 10000 pixels");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> FrameSampling.none().withSceneChange(1.5))
        .hasMessageContaining("Cannot detect scene changes at threshold 1.5");
    assertThatThrownBy(() -> FrameSampling.none().orEvery(Duration.ZERO))
        .hasMessageContaining("Cannot sample every PT0S");
    assertThatThrownBy(() -> VideoLimits.defaults().withThumbnailSide(8))
        .hasMessageContaining("Cannot make thumbnails of 8 px");
    assertThat(FrameSampling.none().orDefault().intervalMicros()).isEqualTo(2_000_000);
  }
}
