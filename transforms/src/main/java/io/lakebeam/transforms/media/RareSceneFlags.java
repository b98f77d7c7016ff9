package io.lakebeam.transforms.media;

import io.lakebeam.multimodal.mining.FrameSignal;
import io.lakebeam.multimodal.mining.RareScene;
import io.lakebeam.multimodal.mining.RareScenes;
import io.lakebeam.transforms.lake.ComputedColumns;
import io.lakebeam.transforms.lake.LakeTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.RowCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.Schema.FieldType;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithKeys;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Scores and flags rare scenes on frames that curation has clustered and scored ({@link
 * RareScenes}): adds the computed fields {@code rare_score} (in [0, 1]) and {@code is_rare_scene}
 * to every row, ready for {@code Lake.writeBackColumns}.
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "drives.frames"))
 *  .apply(RareSceneFlags.create())
 *  .apply(Lake.writeBackColumns(lake, "drives.frames"));
 * }</pre>
 *
 * <p>The ranking is global (percentile ranks over all frames), so the frames are gathered on one
 * worker: a few million frame rows of ~100 bytes each. Needs {@code cluster_id} and {@code
 * cluster_distance} ({@code ./lakebeam cluster COLL --vector embedding --k N}) and {@code
 * anomaly_score} and {@code is_anomaly} ({@code ./lakebeam anomalies COLL --vector embedding}).
 */
public final class RareSceneFlags extends PTransform<PCollection<Row>, PCollection<Row>> {
  public static final String RARE_SCORE = "rare_score";
  public static final String IS_RARE_SCENE = "is_rare_scene";

  /** The curation columns read, in order. */
  public static final List<String> INPUTS =
      List.of("cluster_id", "cluster_distance", "anomaly_score", "is_anomaly");

  /** The curation command that writes each input column. */
  private static final Map<String, String> WRITTEN_BY =
      Map.of(
          "cluster_id", "cluster",
          "cluster_distance", "cluster",
          "anomaly_score", "anomalies",
          "is_anomaly", "anomalies");

  private final double rareClusterFraction;
  private final long sceneGapMs;

  private RareSceneFlags(double rareClusterFraction, long sceneGapMs) {
    this.rareClusterFraction = rareClusterFraction;
    this.sceneGapMs = sceneGapMs;
  }

  /** {@link RareScenes#defaults()}: 1% rare-cluster fraction, 10 s scene gap. */
  public static RareSceneFlags create() {
    return new RareSceneFlags(
        RareScenes.DEFAULT_RARE_CLUSTER_FRACTION, RareScenes.DEFAULT_SCENE_GAP_MS);
  }

  /** Clusters holding at most this fraction of the frames are rare. In [0, 1]. */
  public RareSceneFlags withRareClusterFraction(double fraction) {
    RareScenes.defaults().withRareClusterFraction(fraction); // validates
    return new RareSceneFlags(fraction, sceneGapMs);
  }

  /** Frames of one video and cluster closer than this are one scene. */
  public RareSceneFlags withSceneGapMs(long millis) {
    RareScenes.defaults().withSceneGapMs(millis); // validates
    return new RareSceneFlags(rareClusterFraction, millis);
  }

  /**
   * The error for a frames collection that lacks curation columns, naming the commands to run; null
   * when none is missing.
   */
  public static String missingColumns(String collection, List<String> missing) {
    if (missing.isEmpty()) {
      return null;
    }
    List<String> commands = new ArrayList<>();
    if (missing.stream().anyMatch(c -> WRITTEN_BY.get(c).equals("cluster"))) {
      commands.add("`./lakebeam cluster " + collection + " --vector embedding --k N`");
    }
    if (missing.stream().anyMatch(c -> WRITTEN_BY.get(c).equals("anomalies"))) {
      commands.add("`./lakebeam anomalies " + collection + " --vector embedding`");
    }
    return String.format(
        "Cannot rank rare scenes of %s: it has no %s column%s; run %s first (curation writes them"
            + " back into the table)",
        collection,
        String.join(", ", missing),
        missing.size() > 1 ? "s" : "",
        String.join(" and ", commands));
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    List<String> missing = new ArrayList<>();
    for (String c : INPUTS) {
      if (!in.hasField(c)) {
        missing.add(c);
      }
    }
    for (String c : List.of(FrameRows.FRAME_ID, FrameRows.URI, FrameRows.TIMESTAMP_MS)) {
      if (!in.hasField(c)) {
        throw new IllegalArgumentException(
            "Cannot rank rare scenes: the rows have no "
                + c
                + " field; read a frames collection (ingest media) with Lake.read");
      }
    }
    Schema.Options options = in.getOptions();
    String collection =
        options.hasOption(LakeTarget.SOURCE_COLLECTION)
            ? options.getValue(LakeTarget.SOURCE_COLLECTION)
            : "COLLECTION";
    String error = missingColumns(collection, missing);
    if (error != null) {
      throw new IllegalArgumentException(error);
    }
    Schema out =
        ComputedColumns.extend(
            in,
            List.of(
                ComputedColumns.field(RARE_SCORE, FieldType.DOUBLE),
                ComputedColumns.field(IS_RARE_SCENE, FieldType.BOOLEAN)));
    return rows.apply("All frames", WithKeys.of(""))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RowCoder.of(in)))
        .apply("Gather", GroupByKey.create())
        .apply(
            "Rank",
            ParDo.of(
                new RankFn(
                    new ComputedColumns.Appender(in, out, 2), rareClusterFraction, sceneGapMs)))
        .setRowSchema(out);
  }

  private static final class RankFn extends DoFn<KV<String, Iterable<Row>>, Row> {
    private final ComputedColumns.Appender appender;
    private final double rareClusterFraction;
    private final long sceneGapMs;

    RankFn(ComputedColumns.Appender appender, double rareClusterFraction, long sceneGapMs) {
      this.appender = appender;
      this.rareClusterFraction = rareClusterFraction;
      this.sceneGapMs = sceneGapMs;
    }

    @ProcessElement
    public void process(@Element KV<String, Iterable<Row>> all, OutputReceiver<Row> out) {
      List<Row> rows = new ArrayList<>();
      List<FrameSignal> signals = new ArrayList<>();
      for (Row r : all.getValue()) {
        rows.add(r);
        signals.add(signal(r));
      }
      Map<String, RareScene> ranked = new HashMap<>();
      for (RareScene s :
          RareScenes.defaults()
              .withRareClusterFraction(rareClusterFraction)
              .withSceneGapMs(sceneGapMs)
              .rank(signals)) {
        ranked.put(s.frame().frameId(), s);
      }
      for (Row r : rows) {
        RareScene s = ranked.get(r.getString(FrameRows.FRAME_ID));
        out.output(appender.append(r, s.rareScore(), s.isRareScene()));
      }
    }

    /** The frame's curation signals; rows Lake.read gives carry Iceberg's column types. */
    static FrameSignal signal(Row r) {
      Object cluster = r.getValue("cluster_id");
      return new FrameSignal(
          r.getString(FrameRows.FRAME_ID),
          r.getString(FrameRows.URI),
          ((Number) r.getValue(FrameRows.TIMESTAMP_MS)).longValue(),
          cluster == null ? null : ((Number) cluster).longValue(),
          number(r.getValue("cluster_distance")),
          number(r.getValue("anomaly_score")),
          Boolean.TRUE.equals(r.getValue("is_anomaly")));
    }

    private static double number(Object o) {
      return o == null ? Double.NaN : ((Number) o).doubleValue();
    }
  }
}
