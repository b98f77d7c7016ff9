package io.lakebeam.multimodal.mining;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RareScenesTest {
  /** 100 frames of one video a second apart: cluster 0 (90), 1 (8), 2 (2 frames, 1 s apart). */
  private static List<FrameSignal> frames() {
    List<FrameSignal> out = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      long cluster = i < 90 ? 0 : i < 98 ? 1 : 2;
      double anomaly = i == 5 ? 0.99 : 0.01 * (i % 7);
      out.add(
          new FrameSignal(
              "f" + i, "s3://fleet/a.mp4", i * 1000L, cluster, i / 100.0, anomaly, i == 5));
    }
    out.add(new FrameSignal("g0", "s3://fleet/b.mp4", 0, 2L, 0.5, 0.3, false));
    return out;
  }

  @Test
  void rareClustersAndAnomaliesRankFirstOneFramePerScene() {
    List<RareScene> top = RareScenes.defaults().withRareClusterFraction(0.05).top(frames(), 5);

    assertThat(top).extracting(RareScene::rank).containsExactly(1, 2, 3, 4, 5);
    // b.mp4's frame: in the rarest cluster and with a high anomaly score.
    assertThat(top.get(0).frame().frameId()).isEqualTo("g0");
    assertThat(top.get(0).clusterSize()).isEqualTo(3);
    assertThat(top.get(0).clusterRarity()).isEqualTo(1 - 3.0 / 90);
    assertThat(top.get(0).isRareScene()).isTrue();
    // f98 and f99 (rarest cluster, 1 s apart) are one scene: one of them is listed.
    assertThat(top)
        .extracting(r -> r.frame().frameId())
        .containsOnlyOnce("f99")
        .doesNotContain("f98");
    // Cluster 1's eight frames (f90-f97, 1 s apart) are one scene; the anomaly f5 is listed.
    assertThat(top.stream().filter(r -> r.frame().clusterId() == 1L)).hasSize(1);
    assertThat(top).extracting(r -> r.frame().frameId()).contains("f5");
  }

  @Test
  void flagsMarkAnomaliesAndClustersAtMostTheRareFraction() {
    List<RareScene> all = RareScenes.defaults().withRareClusterFraction(0.05).rank(frames());

    assertThat(all).hasSize(101);
    assertThat(all.stream().filter(RareScene::isRareScene).map(r -> r.frame().frameId()))
        .containsExactlyInAnyOrder("f5", "f98", "f99", "g0");
    assertThat(all).allSatisfy(r -> assertThat(r.rareScore()).isBetween(0.0, 1.0));
    assertThat(all).isSortedAccordingTo((a, b) -> Double.compare(b.rareScore(), a.rareScore()));
  }

  @Test
  void percentileRanksGiveTiesTheLowestRank() {
    assertThat(RareScenes.percentileRanks(new double[] {3, 1, 1, 2}))
        .containsExactly(1.0, 0.0, 0.0, 2 / 3.0);
    assertThatThrownBy(() -> RareScenes.defaults().top(frames(), 0))
        .hasMessageContaining("Cannot list the top 0 scenes");
  }
}
