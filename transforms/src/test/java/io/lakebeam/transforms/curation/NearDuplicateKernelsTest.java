package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The batch kernels of near-duplicate detection against plain reference code. */
class NearDuplicateKernelsTest {
  @Test
  void simdSignatureEqualsTheScalarDefinition() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int numPerm : new int[] {128, 100, 17}) {
      MinHasher hasher = new MinHasher(numPerm, 11);
      SplittableRandom draw = new SplittableRandom(11);
      long[] a = new long[numPerm];
      long[] b = new long[numPerm];
      for (int i = 0; i < numPerm; i++) {
        a[i] = draw.nextLong() | 1L;
        b[i] = draw.nextLong();
      }
      for (int t = 0; t < 50; t++) {
        long[] shingles = rnd.longs(1 + rnd.nextInt(400)).toArray();
        int[] sig = hasher.signature(shingles);
        for (int i = 0; i < numPerm; i++) {
          long min = Long.MAX_VALUE;
          for (long x : shingles) {
            min = Math.min(min, (a[i] * x + b[i]) >>> 32);
          }
          assertThat(sig[i]).isEqualTo((int) min);
        }
      }
    }
  }

  @Test
  void pairSortOrdersAndDeduplicatesLikeAComparatorSort() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {0, 1, 2, 17, 1000, 20_000}) {
      long[] flat = new long[2 * n];
      List<long[]> reference = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        // few distinct x values, so runs of equal x and exact duplicate pairs are common
        flat[2 * i] = rnd.nextInt(50) - 25;
        flat[2 * i + 1] = rnd.nextInt(3) == 0 ? rnd.nextLong() : rnd.nextInt(20);
        reference.add(new long[] {flat[2 * i], flat[2 * i + 1]});
      }
      reference.sort(Comparator.<long[]>comparingLong(p -> p[0]).thenComparingLong(p -> p[1]));
      List<long[]> distinct = new ArrayList<>();
      for (long[] p : reference) {
        if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), p)) {
          distinct.add(p);
        }
      }
      int len = PairSort.sortDistinct(flat);
      assertThat(len).isEqualTo(2 * distinct.size());
      for (int i = 0; i < distinct.size(); i++) {
        assertThat(new long[] {flat[2 * i], flat[2 * i + 1]}).containsExactly(distinct.get(i));
      }
    }
  }

  @Test
  void groupsDoNotDependOnHowEdgesAreSplitOrMerged() {
    // a chain r09-r08-...-r00 (added from the largest end), a star around r20, a lone pair
    List<String[]> edges = new ArrayList<>();
    for (int i = 9; i > 0; i--) {
      edges.add(new String[] {"r" + (i < 10 ? "0" : "") + i, "r0" + (i - 1)});
    }
    for (int i = 21; i < 30; i++) {
      edges.add(new String[] {"r" + i, "r20"});
    }
    edges.add(new String[] {"r41", "r40"});
    DuplicateComponents fn = new DuplicateComponents(1000);
    DuplicateTable whole = fn.extractOutput(fn.addInput(fn.createAccumulator(), batch(edges, 0)));
    for (int split = 1; split < edges.size(); split += 4) {
      DuplicateComponents.Forest left =
          fn.addInput(fn.createAccumulator(), batch(edges.subList(0, split), 0));
      DuplicateComponents.Forest right =
          fn.addInput(fn.createAccumulator(), batch(edges.subList(split, edges.size()), split));
      DuplicateTable merged = fn.extractOutput(fn.mergeAccumulators(List.of(right, left)));
      assertThat(merged.size()).isEqualTo(whole.size());
      for (String[] e : edges) {
        for (String member : e) {
          assertThat(merged.get(member)).isEqualTo(whole.get(member));
        }
      }
    }
    assertThat(whole.get("r09").canonicalRank()).isEqualTo("r00");
    assertThat(whole.get("r25").canonicalRank()).isEqualTo("r20");
    assertThat(whole.get("r41").canonicalRank()).isEqualTo("r40");
    assertThat(whole.groups()).isEqualTo(3);
    assertThat(whole.overflow()).isFalse();
    DuplicateComponents small = new DuplicateComponents(20);
    DuplicateTable overflowing =
        small.extractOutput(small.addInput(small.createAccumulator(), batch(edges, 0)));
    assertThat(overflowing.overflow()).isTrue();
    assertThat(overflowing.size()).isZero();
    assertThat(whole.get("r00").similarity()).isCloseTo(0.89, within(1e-9));
  }

  private static DuplicateEdges batch(List<String[]> edges, int offset) {
    DuplicateEdges.Builder b = new DuplicateEdges.Builder();
    for (int i = 0; i < edges.size(); i++) {
      b.add(edges.get(i)[0], edges.get(i)[1], 0.81 + 0.01 * ((offset + i) % 10));
    }
    return b.build();
  }
}
