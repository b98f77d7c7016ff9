package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The profile entries and the score, on hand-made distance lists. */
class NeighbourhoodProfileTest {
  private static final int K = 20;

  /** Far scales 1, 2, 3, 4, 6, 8, 12, 16 (up to 20) and near scales 4, 8, 16 (below 20). */
  @Test
  void laddersStopAtK() {
    assertThat(new NeighbourhoodProfile(K).size()).isEqualTo(8 + 3);
    assertThat(new NeighbourhoodProfile(100).size()).isEqualTo(13 + 5);
    // beyond 128 the far ladder grows by 1.5: 192, 288
    assertThat(new NeighbourhoodProfile(300).size()).isEqualTo(16 + 5);
  }

  @Test
  void windowsAndCumulativeMeans() {
    NeighbourhoodProfile p = new NeighbourhoodProfile(K);
    float[] d = ranks(K);
    float[] v = p.of(d, K);
    assertThat(v[0]).isEqualTo(1.5f); // W_1 = mean(d_1, d_2)
    assertThat(v[3]).isEqualTo(4.5f); // W_4 = mean(d_4, d_5)
    assertThat(v[7]).isEqualTo(18f); // W_16 = mean(d_16 .. d_20)
    assertThat(v[8]).isEqualTo(2.5f); // M_4 = mean(d_1 .. d_4)
    assertThat(v[10]).isEqualTo(8.5f); // M_16
    // a small table: missing ranks repeat the last distance
    assertThat(p.of(d, 10)[7]).isEqualTo(10f);
  }

  @Test
  void aTypicalRowScoresOneAndATightGroupOrAnIsolatedRowScoresHigher() {
    NeighbourhoodProfile p = new NeighbourhoodProfile(K);
    float[] typical = new float[K];
    Arrays.fill(typical, 0.5f);
    double[] medians = toDouble(p.of(typical, K));
    assertThat(p.score(p.of(typical, K), medians)).isCloseTo(1.0, within(1e-9));
    // an isolated row: every neighbour three times farther
    float[] isolated = new float[K];
    Arrays.fill(isolated, 1.5f);
    assertThat(p.score(p.of(isolated, K), medians))
        .isCloseTo(3.0, within(0.05)); // eps: 1% of the median
    // a member of a group of 8 exact copies amid the data: a dense inside, typical outside
    float[] group = new float[K];
    Arrays.fill(group, 7, K, 0.5f);
    double score = p.score(p.of(group, K), medians);
    assertThat(score).isGreaterThan(50).isFinite();
  }

  private static float[] ranks(int k) {
    float[] d = new float[k];
    for (int i = 0; i < k; i++) {
      d[i] = i + 1;
    }
    return d;
  }

  private static double[] toDouble(float[] v) {
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return d;
  }
}
