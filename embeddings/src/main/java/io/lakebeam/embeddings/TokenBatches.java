package io.lakebeam.embeddings;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans dynamic batches: texts sorted by token length, cut into batches whose padded size (texts
 * times the longest text's tokens) stays within a token budget. Sorting keeps padding, and so
 * wasted compute, small; the caller writes each result back at the original index.
 */
final class TokenBatches {

  private TokenBatches() {}

  /**
   * Returns batches of indices into {@code lengths}, shortest texts first. Every index appears
   * exactly once. A text longer than the budget gets a batch of its own.
   *
   * @param lengths token count of each text (special tokens included)
   * @param tokenBudget most padded tokens per batch, {@code > 0}
   */
  static List<int[]> plan(int[] lengths, int tokenBudget) {
    if (tokenBudget <= 0) {
      throw new IllegalArgumentException(
          "Cannot plan batches: token budget must be > 0: " + tokenBudget);
    }
    int n = lengths.length;
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = ((long) lengths[i] << 32) | i;
    }
    Arrays.sort(keys); // by length, then by index: deterministic
    List<int[]> batches = new ArrayList<>();
    int start = 0;
    while (start < n) {
      int end = start + 1;
      // Sorted ascending, so the text at 'end' is the longest of a batch that includes it.
      while (end < n && (long) (end - start + 1) * (int) (keys[end] >>> 32) <= tokenBudget) {
        end++;
      }
      int[] batch = new int[end - start];
      for (int i = start; i < end; i++) {
        batch[i - start] = (int) keys[i];
      }
      batches.add(batch);
      start = end;
    }
    return batches;
  }
}
