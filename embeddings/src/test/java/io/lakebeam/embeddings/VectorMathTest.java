package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class VectorMathTest {

  /** Batch of 2 rows, 3 tokens, 2 dims: row r, token t = {10r + t, -(10r + t)}. */
  private static final FloatBuffer HIDDEN =
      FloatBuffer.wrap(new float[] {0, 0, 1, -1, 2, -2, 10, -10, 11, -11, 12, -12});

  @Test
  void meanPoolingAveragesMaskedTokensOnly() {
    // Row 1 has two real tokens; the third position is padding (beyond the mask's length).
    assertThat(VectorMath.meanPool(HIDDEN, 1, 3, 2, new long[] {1, 1}))
        .containsExactly(10.5f, -10.5f);
    // An explicit 0 in the mask is skipped too.
    assertThat(VectorMath.meanPool(HIDDEN, 0, 3, 2, new long[] {1, 0, 1})).containsExactly(1f, -1f);
  }

  @Test
  void meanPoolingOfAnAllZeroMaskIsZero() {
    assertThat(VectorMath.meanPool(HIDDEN, 0, 3, 2, new long[] {0, 0, 0})).containsExactly(0f, 0f);
  }

  @Test
  void clsTakesTheFirstToken() {
    assertThat(VectorMath.clsPool(HIDDEN, 1, 3, 2)).containsExactly(10f, -10f);
  }

  @Test
  void rowReadsAPooledOutput() {
    assertThat(VectorMath.row(HIDDEN, 1, 4)).containsExactly(2f, -2f, 10f, -10f);
  }

  @Test
  void l2NormalizeScalesToUnitLengthAndLeavesZeroAlone() {
    float[] v = {3, 4};
    VectorMath.l2Normalize(v);
    assertThat(v).containsExactly(0.6f, 0.8f);

    float[] zero = {0, 0};
    VectorMath.l2Normalize(zero);
    assertThat(zero).containsExactly(0f, 0f);
  }
}
