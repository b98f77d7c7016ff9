package io.lakebeam.core.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/** Keeps the k best-scoring rows seen; ties break by file then position, so results are stable. */
final class TopK {
  private static final Comparator<SearchHit> WORST_FIRST =
      Comparator.comparingDouble(SearchHit::rawScore)
          .thenComparing(SearchHit::file, Comparator.reverseOrder())
          .thenComparing(SearchHit::pos, Comparator.reverseOrder());

  private final int k;
  private final PriorityQueue<SearchHit> heap;

  TopK(int k) {
    this.k = k;
    this.heap = new PriorityQueue<>(k + 1, WORST_FIRST);
  }

  void offer(float score, String file, long pos) {
    if (heap.size() < k) {
      heap.add(new SearchHit(file, pos, score));
    } else if (score > heap.peek().rawScore()) {
      heap.add(new SearchHit(file, pos, score));
      heap.poll();
    }
  }

  void offer(float score, IndexSegment segment, int ordinal) {
    if (heap.size() < k || score > heap.peek().rawScore()) {
      RowMap rows = segment.rows();
      offer(score, rows.files().get(rows.file(ordinal)), rows.pos(ordinal));
    }
  }

  int size() {
    return heap.size();
  }

  /** Best first. */
  List<SearchHit> sorted() {
    List<SearchHit> out = new ArrayList<>(heap);
    out.sort(WORST_FIRST.reversed());
    return out;
  }
}
