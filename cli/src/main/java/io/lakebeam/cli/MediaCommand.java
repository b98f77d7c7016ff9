package io.lakebeam.cli;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.multimodal.mining.FrameSignal;
import io.lakebeam.multimodal.mining.RareScene;
import io.lakebeam.multimodal.mining.RareScenes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.iceberg.data.Record;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lakebeam media rare-scenes <collection> --top N}. */
@Command(
    name = "media",
    description = "Work with video frames and images.",
    subcommands = {MediaCommand.RareScenesCommand.class})
final class MediaCommand {

  /** The curation columns rare-scene ranking reads, and the command that writes each. */
  static final Map<String, String> CURATION_COLUMNS =
      Map.of(
          "cluster_id", "cluster",
          "cluster_distance", "cluster",
          "anomaly_score", "anomalies",
          "is_anomaly", "anomalies");

  @Command(
      name = "rare-scenes",
      description =
          "List the top-N rare scenes of a frames collection (video URI and timestamp), ranked by"
              + " the anomaly score and the cluster rarity that curation wrote back.")
  static final class RareScenesCommand implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;

    @Parameters(paramLabel = "COLLECTION", description = "A frames collection, e.g. drives.frames")
    String collection;

    @Option(
        names = "--top",
        defaultValue = "20",
        description = "Scenes to list (default: ${DEFAULT-VALUE})")
    int top;

    @Option(
        names = "--rare-cluster-fraction",
        defaultValue = "0.01",
        description =
            "Clusters holding at most this share of frames are rare (default: ${DEFAULT-VALUE})")
    double rareClusterFraction;

    @Option(
        names = "--scene-gap-s",
        defaultValue = "10",
        description =
            "Frames of one video and cluster this close are one scene (default: ${DEFAULT-VALUE})")
    double sceneGapSeconds;

    @Override
    public Integer call() throws Exception {
      try (Lakehouse lake = lakehouse.open()) {
        Collection c = lake.collection(collection).refreshMetadata();
        List<String> missing = new ArrayList<>();
        for (String column :
            List.of("cluster_id", "cluster_distance", "anomaly_score", "is_anomaly")) {
          if (c.schema().findField(column) == null) {
            missing.add(column);
          }
        }
        if (!missing.isEmpty()) {
          String command = CURATION_COLUMNS.get(missing.get(0));
          throw LakebeamException.invalid(
              "Cannot list rare scenes of %s: it has no %s column%s; run `./lakebeam %s %s"
                  + " --field embedding` first (curation writes them back into the table)",
              collection,
              String.join(", ", missing),
              missing.size() > 1 ? "s" : "",
              command,
              collection);
        }
        List<String> columns =
            new ArrayList<>(
                List.of(
                    "frame_id",
                    "uri",
                    "timestamp_ms",
                    "cluster_id",
                    "cluster_distance",
                    "anomaly_score",
                    "is_anomaly"));
        boolean thumbnails = c.schema().findField("thumbnail_uri") != null;
        if (thumbnails) {
          columns.add("thumbnail_uri");
        }
        List<Record> rows =
            LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns));
        Map<String, Record> byId = new LinkedHashMap<>();
        List<FrameSignal> signals = new ArrayList<>(rows.size());
        for (Record r : rows) {
          String id = (String) r.getField("frame_id");
          byId.put(id, r);
          signals.add(
              new FrameSignal(
                  id,
                  (String) r.getField("uri"),
                  ((Number) r.getField("timestamp_ms")).longValue(),
                  r.getField("cluster_id") == null
                      ? null
                      : ((Number) r.getField("cluster_id")).longValue(),
                  number(r.getField("cluster_distance")),
                  number(r.getField("anomaly_score")),
                  Boolean.TRUE.equals(r.getField("is_anomaly"))));
        }
        List<RareScene> ranked =
            RareScenes.defaults()
                .withRareClusterFraction(rareClusterFraction)
                .withSceneGapMs(Math.round(sceneGapSeconds * 1000))
                .top(signals, top);
        List<Map<String, Object>> out = new ArrayList<>();
        for (RareScene s : ranked) {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("rank", s.rank());
          m.put("uri", s.frame().uri());
          m.put("timestamp", timestamp(s.frame().timestampMs()));
          m.put("timestamp_ms", s.frame().timestampMs());
          m.put("frame_id", s.frame().frameId());
          m.put("cluster_id", s.frame().clusterId());
          m.put("cluster_size", s.clusterSize());
          m.put("anomaly_score", s.frame().anomalyScore());
          m.put("rare_score", Math.round(s.rareScore() * 10_000) / 10_000.0);
          m.put("is_rare_scene", s.isRareScene());
          if (thumbnails) {
            m.put("thumbnail_uri", byId.get(s.frame().frameId()).getField("thumbnail_uri"));
          }
          out.add(m);
        }
        System.err.printf(
            "Top %d rare scenes of %s (%d frames):%n", out.size(), collection, signals.size());
        for (Map<String, Object> m : out) {
          System.err.printf(
              "%3d  %s  @ %s  cluster %s (%s frames)  anomaly %.3f  score %.3f%n",
              m.get("rank"),
              m.get("uri"),
              m.get("timestamp"),
              m.get("cluster_id"),
              m.get("cluster_size"),
              (Double) m.get("anomaly_score"),
              (Double) m.get("rare_score"));
        }
        Printer.jsonLine(out);
        return 0;
      }
    }

    private static double number(Object o) {
      return o == null ? Double.NaN : ((Number) o).doubleValue();
    }

    /** {@code h:mm:ss.mmm}. */
    static String timestamp(long ms) {
      return String.format(
          "%d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    }
  }
}
