package io.lakebeam.transforms.media;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.S3ProxyServer;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.multimodal.video.FrameSampling;
import io.lakebeam.multimodal.video.TestVideos;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.FileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Videos and images read by reference from object storage (a real S3 API, S3Proxy on 127.0.0.1).
 * The warehouse is local: an s3:// warehouse needs the SQLite JDBC catalog, whose concurrent
 * commits (frames and failures) can fail with SQLITE_BUSY.
 */
class MediaFromObjectStorageIT {
  @TempDir Path dir;

  @Test
  void mediaUnderAnS3PrefixBecomeFramesAndAnEmptyObjectAFailure() throws Exception {
    try (S3ProxyServer s3 = S3ProxyServer.start(dir.resolve("s3"), "fleet")) {
      Map<String, String> props = new HashMap<>(s3.s3Properties());
      props.put(LakehouseConfig.WAREHOUSE, dir.resolve("warehouse").toString());
      try (Lakehouse lake = Lakehouse.open(LakehouseConfig.of(props))) {
        FileIO io = lake.io();
        Path video =
            TestVideos.scenes(dir.resolve("drive.mp4"), "mp4", 160, 120, 25, 3, 1.5, 50, false);
        put(io, "s3://fleet/drives/day/drive.mp4", Files.readAllBytes(video));
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(TestVideos.picture(96, 64, 0.2, 1.5), "png", png);
        put(io, "s3://fleet/drives/still.png", png.toByteArray());
        put(io, "s3://fleet/drives/empty.mp4", new byte[0]);
        put(io, "s3://fleet/other/skip.mp4", Files.readAllBytes(video));

        Pipelines.run(
            Runner.DIRECT,
            p ->
                MediaIngest.of("s3://fleet/drives/**", lake, "s3media")
                    .withSampling(FrameSampling.none().orEvery(Duration.ofSeconds(1)))
                    .applyTo(p));

        Collection frames = lake.collection("s3media.frames");
        List<Record> rows =
            LiveRows.readAll(
                frames.table(),
                TableState.of(frames.table()),
                frames.schema().select("uri", "timestamp_ms", "thumbnail_uri", "phash_centre"));
        // 3 s of video sampled every second (0, 1, 2 s) and the picture.
        assertThat(rows)
            .extracting(r -> r.getField("uri") + "@" + r.getField("timestamp_ms"))
            .containsExactlyInAnyOrder(
                "s3://fleet/drives/day/drive.mp4@0",
                "s3://fleet/drives/day/drive.mp4@1000",
                "s3://fleet/drives/day/drive.mp4@2000",
                "s3://fleet/drives/still.png@0");
        for (Record r : rows) {
          String thumb = (String) r.getField("thumbnail_uri");
          assertThat(thumb).startsWith(dir.resolve("warehouse/_media/thumbnails").toString());
          try (InputStream in = io.newInputFile(thumb).newStream()) {
            assertThat(ImageIO.read(in).getWidth()).isPositive();
          }
          assertThat(r.getField("phash_centre")).isNotNull();
        }
        Collection failures = lake.collection("s3media.failures");
        List<Record> failed =
            LiveRows.readAll(
                failures.table(),
                TableState.of(failures.table()),
                failures.schema().select("uri", "reason"));
        assertThat(failed)
            .singleElement()
            .satisfies(
                f -> {
                  assertThat(f.getField("uri")).isEqualTo("s3://fleet/drives/empty.mp4");
                  assertThat((String) f.getField("reason")).contains("the file is empty");
                });
      }
    }
  }

  private static void put(FileIO io, String uri, byte[] bytes) throws Exception {
    try (OutputStream out = io.newOutputFile(uri).createOrOverwrite()) {
      out.write(bytes);
    }
  }
}
