package io.lakebeam.transforms.curation;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked dot products of rows against a fixed set of columns (centroids, or the rows of a
 * partition), GEMM-style: the columns are laid out transposed in panels of {@link #WIDTH} so that
 * one vector load serves one lane per column, and a tile of 4 rows by {@code WIDTH} columns is
 * accumulated in registers with fused multiply-adds.
 *
 * <p>Every dot product is the same sequence of fused multiply-adds over the dimensions, whatever
 * tile or block its row falls in, so results do not depend on how rows are blocked. Immutable after
 * construction; thread-safe.
 */
final class DotTiles {
  private static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
  private static final int L = SPECIES.length();

  /** Columns per panel. */
  static final int WIDTH = 4 * L;

  final int columns;
  final int d;
  final int panels;

  /** Panel p: d rows of WIDTH floats, column {@code p * WIDTH + j} in lane j; zero padding. */
  private final float[] panel;

  /** Columns {@code [0, columns)} of {@code flat} (row-major, dimension {@code d}). */
  DotTiles(float[] flat, int columns, int d) {
    this.columns = columns;
    this.d = d;
    this.panels = (columns + WIDTH - 1) / WIDTH;
    this.panel = new float[panels * d * WIDTH];
    for (int j = 0; j < columns; j++) {
      int p = j / WIDTH;
      int lane = j % WIDTH;
      for (int q = 0; q < d; q++) {
        panel[(p * d + q) * WIDTH + lane] = flat[j * d + q];
      }
    }
  }

  /**
   * Dot products of rows {@code row..row+3} of {@code x} with the columns of panel {@code p}, into
   * {@code out[r * WIDTH + j]} (r = 0..3).
   */
  void tile4(float[] x, int row, int p, float[] out) {
    FloatVector a00 = FloatVector.zero(SPECIES);
    FloatVector a01 = a00, a02 = a00, a03 = a00;
    FloatVector a10 = a00, a11 = a00, a12 = a00, a13 = a00;
    FloatVector a20 = a00, a21 = a00, a22 = a00, a23 = a00;
    FloatVector a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    int x0 = row * d;
    int x1 = x0 + d;
    int x2 = x1 + d;
    int x3 = x2 + d;
    int o = p * d * WIDTH;
    for (int q = 0; q < d; q++, o += WIDTH) {
      FloatVector c0 = FloatVector.fromArray(SPECIES, panel, o);
      FloatVector c1 = FloatVector.fromArray(SPECIES, panel, o + L);
      FloatVector c2 = FloatVector.fromArray(SPECIES, panel, o + 2 * L);
      FloatVector c3 = FloatVector.fromArray(SPECIES, panel, o + 3 * L);
      FloatVector b = FloatVector.broadcast(SPECIES, x[x0 + q]);
      a00 = c0.fma(b, a00);
      a01 = c1.fma(b, a01);
      a02 = c2.fma(b, a02);
      a03 = c3.fma(b, a03);
      b = FloatVector.broadcast(SPECIES, x[x1 + q]);
      a10 = c0.fma(b, a10);
      a11 = c1.fma(b, a11);
      a12 = c2.fma(b, a12);
      a13 = c3.fma(b, a13);
      b = FloatVector.broadcast(SPECIES, x[x2 + q]);
      a20 = c0.fma(b, a20);
      a21 = c1.fma(b, a21);
      a22 = c2.fma(b, a22);
      a23 = c3.fma(b, a23);
      b = FloatVector.broadcast(SPECIES, x[x3 + q]);
      a30 = c0.fma(b, a30);
      a31 = c1.fma(b, a31);
      a32 = c2.fma(b, a32);
      a33 = c3.fma(b, a33);
    }
    store(a00, a01, a02, a03, out, 0);
    store(a10, a11, a12, a13, out, WIDTH);
    store(a20, a21, a22, a23, out, 2 * WIDTH);
    store(a30, a31, a32, a33, out, 3 * WIDTH);
  }

  /** As {@link #tile4} for one row, into {@code out[0..WIDTH)}. */
  void tile1(float[] x, int row, int p, float[] out) {
    FloatVector a0 = FloatVector.zero(SPECIES);
    FloatVector a1 = a0, a2 = a0, a3 = a0;
    int x0 = row * d;
    int o = p * d * WIDTH;
    for (int q = 0; q < d; q++, o += WIDTH) {
      FloatVector b = FloatVector.broadcast(SPECIES, x[x0 + q]);
      a0 = FloatVector.fromArray(SPECIES, panel, o).fma(b, a0);
      a1 = FloatVector.fromArray(SPECIES, panel, o + L).fma(b, a1);
      a2 = FloatVector.fromArray(SPECIES, panel, o + 2 * L).fma(b, a2);
      a3 = FloatVector.fromArray(SPECIES, panel, o + 3 * L).fma(b, a3);
    }
    store(a0, a1, a2, a3, out, 0);
  }

  private static void store(
      FloatVector a0, FloatVector a1, FloatVector a2, FloatVector a3, float[] out, int at) {
    a0.intoArray(out, at);
    a1.intoArray(out, at + L);
    a2.intoArray(out, at + 2 * L);
    a3.intoArray(out, at + 3 * L);
  }
}
