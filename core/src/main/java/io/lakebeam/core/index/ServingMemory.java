package io.lakebeam.core.index;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heap budget for the in-memory forms of loaded index segments (full vectors or product
 * quantized codes). A segment asks for room when it loads; when the budget is full, the least
 * recently searched segments that are not pinned are demoted to the warm tier (searched from their
 * memory-mapped files) until the new one fits, and when nothing more can be demoted the new segment
 * itself loads warm. So a large table degrades to slower tiers, never to an out-of-memory error.
 * Thread-safe.
 *
 * <pre>{@code
 * ServingMemory memory = new ServingMemory(2L << 30); // 2 GiB for index data
 * }</pre>
 */
public final class ServingMemory {
  private static final Logger LOG = LoggerFactory.getLogger(ServingMemory.class);

  private final long budget;
  private final Set<IndexSegment> resident = new HashSet<>();
  private long used;
  private long demotions;

  public ServingMemory(long budgetBytes) {
    this.budget = Math.max(0, budgetBytes);
  }

  /** The budget from {@code lakebeam.memory.bytes}, else 40% of the maximum heap. */
  public static ServingMemory fromSystemProperties() {
    return new ServingMemory(
        Long.getLong("lakebeam.memory.bytes", (long) (Runtime.getRuntime().maxMemory() * 0.4)));
  }

  public long budget() {
    return budget;
  }

  public synchronized long used() {
    return used;
  }

  public synchronized long demotions() {
    return demotions;
  }

  /**
   * Reserves {@code bytes} for {@code segment}, demoting least recently used unpinned segments when
   * needed. A pinned segment always gets its room (demoting what it can, then going over).
   *
   * @return whether the room was granted
   */
  synchronized boolean reserve(IndexSegment segment, long bytes, boolean pinned) {
    if (used + bytes > budget) {
      List<IndexSegment> victims = new ArrayList<>();
      for (IndexSegment s : resident) {
        if (s != segment && !s.pinned() && s.residentBytes() > 0) {
          victims.add(s);
        }
      }
      victims.sort(Comparator.comparingLong(IndexSegment::lastUsed));
      long reclaimable = victims.stream().mapToLong(IndexSegment::residentBytes).sum();
      if (!pinned && used - reclaimable + bytes > budget) {
        return false;
      }
      for (IndexSegment v : victims) {
        if (used + bytes <= budget) {
          break;
        }
        long freed = v.demoteToWarm();
        used -= freed;
        resident.remove(v);
        demotions++;
        LOG.warn(
            "Index memory budget {} MiB is full: segment {} ({} rows) demoted to the warm tier",
            budget >> 20,
            v.ref().graphPath(),
            v.size());
      }
    }
    used += bytes;
    resident.add(segment);
    return true;
  }

  /** Gives back what {@code segment} held (it was demoted, replaced or closed). */
  synchronized void release(IndexSegment segment, long bytes) {
    resident.remove(segment);
    used = Math.max(0, used - bytes);
  }

  /** JSON-ready state for {@code server_status}/{@code describe}. */
  public synchronized Map<String, Object> toMap() {
    return Map.of(
        "budget_bytes", budget,
        "used_bytes", used,
        "resident_segments", resident.size(),
        "demotions", demotions);
  }
}
