package io.lakebeam.embeddings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TokenBatchesTest {

  @Test
  void sortsByLengthAndFillsTheBudget() {
    int[] lengths = {10, 3, 7, 3, 10, 2};

    List<int[]> batches = TokenBatches.plan(lengths, 12);

    // Sorted: 5(2) 1(3) 3(3) 2(7) 0(10) 4(10); 3 texts x 3 tokens = 9 <= 12, a 4th would be 28.
    assertThat(batches)
        .containsExactly(new int[] {5, 1, 3}, new int[] {2}, new int[] {0}, new int[] {4});
  }

  @Test
  void aTextLongerThanTheBudgetGetsItsOwnBatch() {
    assertThat(TokenBatches.plan(new int[] {50, 4, 4}, 10))
        .containsExactly(new int[] {1, 2}, new int[] {0});
  }

  @Test
  void everyIndexAppearsOnceAndBatchesStayWithinBudget() {
    Random random = new Random(42);
    int[] lengths = new int[500];
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 2 + random.nextInt(254);
    }

    List<int[]> batches = TokenBatches.plan(lengths, 1024);

    List<Integer> seen = new ArrayList<>();
    for (int[] batch : batches) {
      int longest = 0;
      for (int index : batch) {
        seen.add(index);
        longest = Math.max(longest, lengths[index]);
      }
      assertThat((long) longest * batch.length).isLessThanOrEqualTo(1024);
    }
    assertThat(seen).hasSize(500).doesNotHaveDuplicates();
  }

  @Test
  void emptyInputGivesNoBatches() {
    assertThat(TokenBatches.plan(new int[0], 10)).isEmpty();
  }

  @Test
  void rejectsNonPositiveBudget() {
    assertThatThrownBy(() -> TokenBatches.plan(new int[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot plan batches: token budget must be > 0: 0");
  }
}
