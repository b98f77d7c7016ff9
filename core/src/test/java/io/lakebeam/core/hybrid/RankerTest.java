package io.lakebeam.core.hybrid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.lakebeam.core.LakebeamException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Fusion arithmetic against values computed by hand. */
class RankerTest {
  // leg 0: a, b, c ; leg 1: c, d, a
  private static final List<LegHit> LEG0 =
      List.of(new LegHit("f", 1, 0.9f), new LegHit("f", 2, 0.7f), new LegHit("f", 3, 0.5f));
  private static final List<LegHit> LEG1 =
      List.of(new LegHit("f", 3, 12f), new LegHit("f", 4, 8f), new LegHit("f", 1, 2f));

  @Test
  void rrfSumsReciprocalRanks() {
    List<HybridHit> fused = new Ranker.Rrf(60).fuse(List.of(LEG0, LEG1));

    // a: 1/61 + 1/63 ; c: 1/63 + 1/61 ; b: 1/62 ; d: 1/62
    assertThat(fused).extracting(HybridHit::pos).containsExactly(1L, 3L, 2L, 4L);
    assertThat((double) fused.get(0).score()).isCloseTo(1.0 / 61 + 1.0 / 63, within(1e-7));
    assertThat((double) fused.get(1).score()).isCloseTo(1.0 / 63 + 1.0 / 61, within(1e-7));
    assertThat((double) fused.get(2).score()).isCloseTo(1.0 / 62, within(1e-7));
    assertThat(fused.get(0).legRanks()).containsExactly(1, 3);
    assertThat(fused.get(0).legScores()).containsExactly(0.9f, 2f);
    assertThat(fused.get(2).legRanks()).containsExactly(2, 0);
    assertThat(Float.isNaN(fused.get(2).legScores()[1])).isTrue();
  }

  @Test
  void rrfConstantChangesScores() {
    List<HybridHit> fused = new Ranker.Rrf(1).fuse(List.of(LEG0, LEG1));
    assertThat((double) fused.get(0).score()).isCloseTo(1.0 / 2 + 1.0 / 4, within(1e-7));
  }

  @Test
  void weightedNormalisesEachLegByMinMax() {
    List<HybridHit> fused = new Ranker.Weighted(new double[] {0.7, 0.3}).fuse(List.of(LEG0, LEG1));

    // leg 0 min-max over [0.5, 0.9]: a=1, b=0.5, c=0 ; leg 1 over [2, 12]: c=1, d=0.6, a=0
    // a = 0.7 ; b = 0.35 ; c = 0.3 ; d = 0.18
    assertThat(fused).extracting(HybridHit::pos).containsExactly(1L, 2L, 3L, 4L);
    assertThat((double) fused.get(0).score()).isCloseTo(0.7, within(1e-6));
    assertThat((double) fused.get(1).score()).isCloseTo(0.35, within(1e-6));
    assertThat((double) fused.get(2).score()).isCloseTo(0.3, within(1e-6));
    assertThat((double) fused.get(3).score()).isCloseTo(0.18, within(1e-6));
  }

  @Test
  void weightedLegWithOneScoreCountsAsOne() {
    List<HybridHit> fused =
        new Ranker.Weighted(new double[] {1, 1})
            .fuse(List.of(List.of(new LegHit("f", 7, 0.2f)), List.of()));
    assertThat(fused).singleElement().extracting(HybridHit::score).isEqualTo(1f);
  }

  @Test
  void tiesBreakByFileThenPosition() {
    List<HybridHit> fused =
        new Ranker.Rrf(60)
            .fuse(List.of(List.of(new LegHit("b", 1, 1f)), List.of(new LegHit("a", 9, 1f))));
    assertThat(fused).extracting(HybridHit::file).containsExactly("a", "b");
  }

  @Test
  void badRankersAreRefused() {
    assertThatThrownBy(() -> new Ranker.Rrf(0))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("RRF k=0: use 1..10000");
    assertThatThrownBy(() -> new Ranker.Weighted(new double[] {0.5, -1}))
        .hasMessageContaining("each must be a finite number >= 0");
    assertThatThrownBy(() -> new Ranker.Weighted(new double[] {0, 0}))
        .hasMessageContaining("at least one must be above 0");
    assertThatThrownBy(() -> new Ranker.Weighted(new double[] {0.7, 0.3}).check(3))
        .hasMessageContaining("Cannot fuse 3 legs with 2 weights [0.7, 0.3]");
  }
}
