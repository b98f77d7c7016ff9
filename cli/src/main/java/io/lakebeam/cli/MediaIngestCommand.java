package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.multimodal.image.ImageModelSpec;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.VideoLimits;
import io.lakebeam.transforms.media.MediaIngest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam ingest media SRC --into NS [--every 2s] [--scene 0.3] [--keyframes]}. */
@Command(
    name = "media",
    description =
        "Decode videos (FFmpeg) and images by reference into <NS>.frames (thumbnails in the"
            + " lakehouse's storage, perceptual hashes, optional image embeddings) and <NS>.failures.")
final class MediaIngestCommand implements Callable<Integer> {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m)");

  @Mixin LakehouseOption lakehouse;

  @Parameters(paramLabel = "SRC", description = "File, directory, glob or s3:// prefix")
  String source;

  @Option(names = "--into", required = true, description = "Namespace, e.g. drives")
  String namespace;

  @Option(names = "--every", description = "Keep one frame per interval, e.g. 2s, 500ms, 1m")
  String every;

  @Option(names = "--scene", description = "Keep frames whose scene score is above this (0-1]")
  Double scene;

  @Option(names = "--keyframes", description = "Keep keyframes")
  boolean keyframes;

  @Option(
      names = "--image-model",
      description = "An ONNX image encoder (.onnx) to embed every frame into 'embedding'")
  Path imageModel;

  @Option(
      names = "--image-norm",
      defaultValue = "clip",
      description =
          "Pixel normalisation of the image model: clip or imagenet (default: ${DEFAULT-VALUE})")
  String imageNorm;

  @Option(names = "--image-size", defaultValue = "224", description = "Model input size in pixels")
  int imageSize;

  @Option(names = "--image-output", description = "The model's output node (default: its first)")
  String imageOutput;

  @Option(
      names = "--max-pixels",
      defaultValue = "" + VideoLimits.DEFAULT_MAX_PIXELS,
      description = "Larger pictures go to failures (default: ${DEFAULT-VALUE}, 8K UHD)")
  long maxPixels;

  @Option(
      names = "--thumbnail-side",
      defaultValue = "" + VideoLimits.DEFAULT_THUMBNAIL_SIDE,
      description = "Longest side of thumbnails (default: ${DEFAULT-VALUE})")
  int thumbnailSide;

  @Mixin PipelineOption pipeline;

  @Option(names = "--no-index", description = "Do not build or refresh the vector index")
  boolean noIndex;

  @Override
  public Integer call() throws Exception {
    FrameSampling sampling = FrameSampling.none();
    if (keyframes) {
      sampling = sampling.keyframes();
    }
    if (every != null) {
      sampling = sampling.orEvery(parseDuration(every));
    }
    if (scene != null) {
      sampling = sampling.withSceneChange(scene);
    }
    try (Lakehouse lake = lakehouse.open()) {
      MediaIngest ingest =
          MediaIngest.of(source, lake, namespace)
              .withSampling(sampling)
              .withLimits(
                  VideoLimits.defaults().withMaxPixels(maxPixels).withThumbnailSide(thumbnailSide));
      if (imageModel != null) {
        ImageModelSpec spec =
            switch (imageNorm) {
              case "clip" -> ImageModelSpec.clip(imageModel);
              case "imagenet" -> ImageModelSpec.imagenet(imageModel);
              default ->
                  throw LakebeamException.invalid(
                      "Cannot use --image-norm '%s': choose clip or imagenet", imageNorm);
            };
        spec = spec.withInputSize(imageSize);
        if (imageOutput != null) {
          spec = spec.withOutput(imageOutput);
        }
        ingest = ingest.withImageModel(spec);
      }
      PipelineOptions options = pipeline.options();
      Pipeline p = Pipeline.create(options);
      ingest.applyTo(p);
      long start = System.nanoTime();
      PipelineResult result = p.run();
      PipelineResult.State state = result.waitUntilFinish();
      if (state != PipelineResult.State.DONE) {
        System.err.println("error: the pipeline ended " + state);
        return 1;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Map<String, Object> summary = new LinkedHashMap<>();
      summary.put("sampling", sampling.orDefault().toString());
      summary.put("files_decoded", counter(result, "media_decoded"));
      summary.put("frames", counter(result, "frames_extracted"));
      summary.put("failures", counter(result, "media_failed"));
      summary.put("seconds", Math.round(seconds * 10) / 10.0);
      if (!noIndex) {
        summary.put("index", ingest.refreshIndex());
      }
      System.err.printf(
          "Ingested %s into %s in %.1f s: %s files, %s frames, %s failed (see %s)%n",
          source,
          ingest.framesCollection(),
          seconds,
          summary.get("files_decoded"),
          summary.get("frames"),
          summary.get("failures"),
          ingest.failuresCollection());
      Printer.jsonLine(summary);
      return 0;
    }
  }

  static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw LakebeamException.invalid(
          "Cannot parse interval '%s': use a number and ms, s or m, e.g. 2s or 500ms", text);
    }
    double value = Double.parseDouble(m.group(1));
    double millis =
        switch (m.group(2)) {
          case "ms" -> value;
          case "s" -> value * 1000;
          default -> value * 60_000;
        };
    return Duration.ofMillis(Math.round(millis));
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("lakebeam", name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
