package io.lakebeam.core.index;

import io.lakebeam.core.read.TableState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * What a refresh of an index (vector or text) does with its segments: the segments it keeps as they
 * are and the live data files it indexes again into one new segment. Files added since the indexed
 * snapshot are indexed; a segment that lost more than half its files, or names an external file
 * overwritten in place (its positions moved), gives its live files back; a segment with no live
 * file is dropped; beyond {@link IndexService#MAX_SEGMENTS} the smallest kept segments are folded
 * into the new one.
 *
 * <pre>{@code
 * RefreshPlan<SegmentRef> plan =
 *     RefreshPlan.of(state, manifest.segments(), SegmentRef::files, SegmentRef::rows, readded);
 * }</pre>
 */
record RefreshPlan<S>(List<S> keep, List<String> rebuild) {

  static <S> RefreshPlan<S> of(
      TableState state,
      List<S> segments,
      Function<S, List<String>> filesOf,
      ToLongFunction<S> rowsOf,
      Set<String> readded) {
    Set<String> covered = new HashSet<>();
    segments.forEach(s -> covered.addAll(filesOf.apply(s)));
    List<String> rebuild = new ArrayList<>();
    state.paths().stream().filter(f -> !covered.contains(f)).forEach(rebuild::add);
    List<S> keep = new ArrayList<>();
    for (S segment : segments) {
      List<String> files = filesOf.apply(segment);
      long live = files.stream().filter(state::isLive).count();
      if (live == 0) {
        continue; // every row of the segment is gone
      }
      if (live * 2 < files.size() || files.stream().anyMatch(readded::contains)) {
        files.stream().filter(state::isLive).forEach(rebuild::add);
      } else {
        keep.add(segment);
      }
    }
    while (keep.size() + (rebuild.isEmpty() ? 0 : 1) > IndexService.MAX_SEGMENTS) {
      S smallest = keep.stream().min(Comparator.comparingLong(rowsOf)).orElseThrow();
      keep.remove(smallest);
      filesOf.apply(smallest).stream().filter(state::isLive).forEach(rebuild::add);
    }
    return new RefreshPlan<>(List.copyOf(keep), List.copyOf(rebuild));
  }
}
