package io.lakebeam.multimodal.mining;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Corner-case mining on frames that curation has clustered and scored: ranks frames by their
 * anomaly score and by how rare their cluster is, and keeps one frame per scene.
 *
 * <pre>{@code
 * List<RareScene> top = RareScenes.defaults().top(signals, 20);
 * }</pre>
 *
 * <p>The score is the mean of two percentile ranks in [0, 1] (ties take the lowest): of the anomaly
 * score, and of the cluster rarity ({@code 1 - cluster size / largest cluster size}); ties break on
 * the distance to the centroid (farther first). A frame is flagged {@code is_rare_scene} when
 * curation flagged it an anomaly or its cluster holds at most {@code rareClusterFraction} of the
 * frames (at least one). Frames of the same video and cluster within {@code sceneGapMs} of a
 * better-ranked frame are the same scene and are left out of {@link #top}.
 */
public final class RareScenes {
  public static final double DEFAULT_RARE_CLUSTER_FRACTION = 0.01;
  public static final long DEFAULT_SCENE_GAP_MS = 10_000;

  private final double rareClusterFraction;
  private final long sceneGapMs;

  private RareScenes(double rareClusterFraction, long sceneGapMs) {
    this.rareClusterFraction = rareClusterFraction;
    this.sceneGapMs = sceneGapMs;
  }

  /** 1% rare-cluster fraction, 10 s scene gap. */
  public static RareScenes defaults() {
    return new RareScenes(DEFAULT_RARE_CLUSTER_FRACTION, DEFAULT_SCENE_GAP_MS);
  }

  /** Clusters holding at most this fraction of the frames are rare. In [0, 1]. */
  public RareScenes withRareClusterFraction(double fraction) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException(
          "Cannot use rare-cluster fraction " + fraction + ": use a value in [0, 1]");
    }
    return new RareScenes(fraction, sceneGapMs);
  }

  /** Frames of one video and cluster closer than this are one scene. At least 0. */
  public RareScenes withSceneGapMs(long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("Cannot use scene gap " + millis + " ms: use >= 0");
    }
    return new RareScenes(rareClusterFraction, millis);
  }

  /** Every frame scored and flagged, best first (ranks 1..n). */
  public List<RareScene> rank(List<FrameSignal> frames) {
    int n = frames.size();
    Map<Long, Long> sizes = new HashMap<>();
    for (FrameSignal f : frames) {
      if (f.clusterId() != null) {
        sizes.merge(f.clusterId(), 1L, Long::sum);
      }
    }
    long largest = sizes.values().stream().mapToLong(Long::longValue).max().orElse(1);
    long rareSize = Math.max(1, (long) Math.floor(rareClusterFraction * n));
    double[] rarity = new double[n];
    double[] anomaly = new double[n];
    for (int i = 0; i < n; i++) {
      FrameSignal f = frames.get(i);
      rarity[i] = f.clusterId() == null ? 0 : 1 - (double) sizes.get(f.clusterId()) / largest;
      anomaly[i] = Double.isNaN(f.anomalyScore()) ? Double.NEGATIVE_INFINITY : f.anomalyScore();
    }
    double[] rarityRank = percentileRanks(rarity);
    double[] anomalyRank = percentileRanks(anomaly);
    List<RareScene> scored = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      FrameSignal f = frames.get(i);
      long size = f.clusterId() == null ? 0 : sizes.get(f.clusterId());
      boolean rare = f.isAnomaly() || (f.clusterId() != null && size <= rareSize);
      scored.add(new RareScene(0, f, size, rarity[i], (rarityRank[i] + anomalyRank[i]) / 2, rare));
    }
    scored.sort(
        Comparator.comparingDouble(RareScene::rareScore)
            .reversed()
            .thenComparing(
                Comparator.comparingDouble((RareScene r) -> distance(r.frame())).reversed())
            .thenComparing(r -> r.frame().frameId()));
    List<RareScene> ranked = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      RareScene r = scored.get(i);
      ranked.add(
          new RareScene(
              i + 1,
              r.frame(),
              r.clusterSize(),
              r.clusterRarity(),
              r.rareScore(),
              r.isRareScene()));
    }
    return ranked;
  }

  /** The best {@code n} frames, one per scene. */
  public List<RareScene> top(List<FrameSignal> frames, int n) {
    if (n < 1) {
      throw new IllegalArgumentException("Cannot list the top " + n + " scenes: use n >= 1");
    }
    List<RareScene> kept = new ArrayList<>();
    for (RareScene r : rank(frames)) {
      if (kept.size() == n) {
        break;
      }
      if (kept.stream().noneMatch(k -> sameScene(k.frame(), r.frame()))) {
        kept.add(
            new RareScene(
                kept.size() + 1,
                r.frame(),
                r.clusterSize(),
                r.clusterRarity(),
                r.rareScore(),
                r.isRareScene()));
      }
    }
    return kept;
  }

  private boolean sameScene(FrameSignal a, FrameSignal b) {
    return a.uri().equals(b.uri())
        && a.clusterId() != null
        && a.clusterId().equals(b.clusterId())
        && Math.abs(a.timestampMs() - b.timestampMs()) <= sceneGapMs;
  }

  private static double distance(FrameSignal f) {
    return Double.isNaN(f.clusterDistance()) ? 0 : f.clusterDistance();
  }

  /**
   * Rank of each value among all, in [0, 1]; ties take their lowest rank, so the frames of a common
   * cluster rank 0 for rarity rather than the middle. 0.5 for a single value.
   */
  static double[] percentileRanks(double[] values) {
    int n = values.length;
    Integer[] order = new Integer[n];
    Arrays.setAll(order, i -> i);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[n];
    for (int i = 0; i < n; ) {
      int j = i;
      while (j + 1 < n && values[order[j + 1]] == values[order[i]]) {
        j++;
      }
      double rank = n == 1 ? 0.5 : (double) i / (n - 1);
      for (int k = i; k <= j; k++) {
        ranks[order[k]] = rank;
      }
      i = j + 1;
    }
    return ranks;
  }
}
