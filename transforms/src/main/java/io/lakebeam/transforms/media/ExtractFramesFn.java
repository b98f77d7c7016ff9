package io.lakebeam.transforms.media;

import io.lakebeam.multimodal.image.ImageDecoder;
import io.lakebeam.multimodal.image.PerceptualHash;
import io.lakebeam.multimodal.image.Thumbnails;
import io.lakebeam.multimodal.video.FrameExtractor;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.MediaException;
import io.lakebeam.multimodal.video.SampledFrame;
import io.lakebeam.multimodal.video.VideoInfo;
import io.lakebeam.multimodal.video.VideoLimits;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Decodes one video or image per element, writes a JPEG thumbnail per kept frame, and emits the
 * frame rows only once the whole file decoded; a file that fails emits no frame, deletes the
 * thumbnails it wrote, and goes to the bad-record output with the reason.
 */
final class ExtractFramesFn extends DoFn<Row, Row> {
  static final TupleTag<Row> FRAMES = new TupleTag<>() {};

  private final MediaStore store;
  private final FrameSampling sampling;
  private final VideoLimits limits;
  private final String thumbnailRoot;
  private final BadRecordRouter badRecords;
  private final Counter frames = Metrics.counter("lakebeam", "frames_extracted");
  private final Counter decoded = Metrics.counter("lakebeam", "media_decoded");
  private final Counter failed = Metrics.counter("lakebeam", "media_failed");

  ExtractFramesFn(
      MediaStore store,
      FrameSampling sampling,
      VideoLimits limits,
      String thumbnailRoot,
      BadRecordRouter badRecords) {
    this.store = store;
    this.sampling = sampling;
    this.limits = limits;
    this.thumbnailRoot = thumbnailRoot;
    this.badRecords = badRecords;
  }

  /**
   * A kept frame whose thumbnail is written (its pixels are not held); becomes a row once its file
   * succeeded.
   */
  private record Kept(
      long frameNumber,
      long timestampMs,
      boolean keyframe,
      String reason,
      double sceneScore,
      int thumbnailWidth,
      int thumbnailHeight,
      String thumbnailUri,
      long phash,
      long dhash) {}

  @ProcessElement
  public void process(@Element Row media, MultiOutputReceiver out) throws Exception {
    String uri = media.getString(MediaRows.URI);
    String mediaId = DescribeMediaFn.mediaId(uri);
    List<Kept> kept = new ArrayList<>();
    VideoInfo info = null;
    try {
      if ("image".equals(media.getString(MediaRows.MEDIA_TYPE))) {
        BufferedImage img = ImageDecoder.decode(store.readAll(uri), uri, limits.maxPixels());
        BufferedImage thumb = Thumbnails.fit(img, limits.thumbnailSide());
        SampledFrame f = new SampledFrame(0, 0, true, "image", Double.NaN, thumb);
        kept.add(keep(mediaId, f));
        info =
            new VideoInfo(null, 0, img.getWidth(), img.getHeight(), 0, false, null, null, 0, 0, 1);
      } else {
        try (MediaStore.Local local = store.localPath(uri)) {
          info =
              FrameExtractor.extract(
                  local.path(), uri, sampling, limits, f -> kept.add(keep(mediaId, f)));
        }
      }
    } catch (MediaException e) {
      fail(out, uri, kept, e, "[decode] " + e.getMessage());
      return;
    } catch (IOException | RuntimeException e) {
      fail(out, uri, kept, e, "[decode] Cannot decode " + uri + ": " + e);
      return;
    }
    Instant now = Instant.now();
    boolean video = !"image".equals(media.getString(MediaRows.MEDIA_TYPE));
    for (Kept f : kept) {
      out.get(FRAMES)
          .output(
              Row.withSchema(FrameRows.SCHEMA)
                  .addValues(
                      mediaId + "-" + f.frameNumber(),
                      mediaId,
                      uri,
                      media.getString(MediaRows.MEDIA_TYPE),
                      f.frameNumber(),
                      f.timestampMs(),
                      f.keyframe(),
                      f.reason(),
                      Double.isNaN(f.sceneScore()) ? null : f.sceneScore(),
                      info.width(),
                      info.height(),
                      f.thumbnailUri(),
                      f.thumbnailWidth(),
                      f.thumbnailHeight(),
                      f.phash(),
                      f.dhash(),
                      video ? info.durationMs() : null,
                      video ? info.frameRate() : null,
                      video ? info.variableFrameRate() : null,
                      info.videoCodec(),
                      info.audioCodec(),
                      info.audioCodec() == null ? null : info.audioSampleRate(),
                      info.audioCodec() == null ? null : info.audioChannels(),
                      now)
                  .build());
    }
    frames.inc(kept.size());
    decoded.inc();
  }

  private Kept keep(String mediaId, SampledFrame f) throws IOException {
    String thumb = String.format("%s/%s/%010d.jpg", thumbnailRoot, mediaId, f.frameNumber());
    store.write(thumb, Thumbnails.jpeg(f.image()));
    return new Kept(
        f.frameNumber(),
        f.timestampMs(),
        f.keyframe(),
        f.reason(),
        f.sceneScore(),
        f.image().getWidth(),
        f.image().getHeight(),
        thumb,
        PerceptualHash.phash(f.image()),
        PerceptualHash.dhash(f.image()));
  }

  private void fail(MultiOutputReceiver out, String uri, List<Kept> kept, Exception e, String why)
      throws Exception {
    for (Kept k : kept) {
      store.delete(k.thumbnailUri());
    }
    failed.inc();
    badRecords.route(out, uri, StringUtf8Coder.of(), e, why);
  }
}
