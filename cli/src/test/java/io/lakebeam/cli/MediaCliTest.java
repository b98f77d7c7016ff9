package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.TableState;
import io.lakebeam.multimodal.video.TestVideos;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.iceberg.data.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ingest media} and {@code media rare-scenes} from the command line. */
class MediaCliTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void ingestMediaThenRareScenesSaysWhichCurationToRunFirst() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    TestVideos.scenes(media.resolve("drive.mp4"), "mp4", 160, 120, 25, 4, 1.5, 50, false);
    ImageIO.write(TestVideos.picture(64, 48, 0, 1), "png", media.resolve("still.png").toFile());
    String lake = dir.resolve("lake").toString();

    Run ingested =
        run(
            "ingest",
            "media",
            media.toString(),
            "--into",
            "drives",
            "--lakehouse",
            lake,
            "--every",
            "1s",
            "--scene",
            "0.3",
            "--keyframes");
    assertThat(ingested.code()).as(ingested.err()).isZero();
    assertThat(ingested.out()).contains("\"frames\":");
    assertThat(ingested.err()).contains("Ingested").contains("drives.frames");
    try (Lakehouse l = Lakehouse.open(lake)) {
      // Frames 0, 25, 50, 75 (every 1 s; 0 and 50 are also keyframes), 38 (the cut at 1.5 s;
      // 75 is the cut at 3.0 s), and the image.
      assertThat(TableState.of(l.collection("drives.frames").table()).liveRowCount()).isEqualTo(6);
    }

    Run rare = run("media", "rare-scenes", "drives.frames", "--lakehouse", lake, "--top", "3");
    assertThat(rare.code()).isEqualTo(1);
    assertThat(rare.err())
        .contains(
            "Cannot list rare scenes of drives.frames: it has no cluster_id, cluster_distance,"
                + " anomaly_score, is_anomaly columns")
        .contains("./lakebeam cluster drives.frames");

    Run badInterval =
        run(
            "ingest",
            "media",
            media.toString(),
            "--into",
            "x",
            "--lakehouse",
            lake,
            "--every",
            "2 hours");
    assertThat(badInterval.code()).isEqualTo(1);
    assertThat(badInterval.err()).contains("Cannot parse interval '2 hours'");
  }

  @Test
  void rareScenesListsTheRarestClustersAndAnomaliesWithUriAndTimestamp() throws Exception {
    String lake = dir.resolve("lake2").toString();
    try (Lakehouse l = Lakehouse.open(lake)) {
      Map<String, String> schema = new LinkedHashMap<>();
      schema.put("frame_id", "string not null");
      schema.put("uri", "string not null");
      schema.put("timestamp_ms", "long not null");
      schema.put("thumbnail_uri", "string");
      schema.put("cluster_id", "int");
      schema.put("cluster_distance", "double");
      schema.put("anomaly_score", "double");
      schema.put("is_anomaly", "bool");
      Collection c = l.createCollection("drives.frames", schema, Metric.COSINE, false);
      try (CollectionWriter w = c.newWriter()) {
        for (int i = 0; i < 200; i++) {
          GenericRecord r = GenericRecord.create(c.schema());
          int cluster = i < 150 ? 0 : i < 190 ? 1 : 2;
          r.setField("frame_id", "f" + i);
          r.setField("uri", i < 190 ? "s3://fleet/day.mp4" : "s3://fleet/night.mp4");
          r.setField("timestamp_ms", (long) (i % 190) * 2000 + 61_500);
          r.setField("thumbnail_uri", "s3://lake/_media/thumbnails/f" + i + ".jpg");
          r.setField("cluster_id", cluster);
          r.setField("cluster_distance", (i % 10) / 10.0);
          r.setField("anomaly_score", i == 7 ? 0.99 : (i % 13) / 100.0);
          r.setField("is_anomaly", i == 7);
          w.write(r);
        }
        w.commit();
      }
    }

    Run rare = run("media", "rare-scenes", "drives.frames", "--lakehouse", lake, "--top", "3");
    assertThat(rare.code()).as(rare.err()).isZero();
    // Cluster 2 (10 frames of night.mp4, 2 s apart) is one scene and ranks first.
    assertThat(rare.err()).contains("Top 3 rare scenes of drives.frames (200 frames)");
    assertThat(rare.err().lines().skip(1).findFirst().orElseThrow())
        .contains("s3://fleet/night.mp4")
        .contains("@ 0:01:");
    assertThat(rare.out())
        .contains("\"uri\":\"s3://fleet/night.mp4\"")
        .contains("\"timestamp\":\"0:01:");
    assertThat(rare.out()).contains("\"thumbnail_uri\":\"s3://lake/_media/thumbnails/");
    assertThat(rare.out().split("night.mp4\",").length - 1).isEqualTo(1);
  }
}
