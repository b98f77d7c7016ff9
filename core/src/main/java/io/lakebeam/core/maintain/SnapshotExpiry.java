package io.lakebeam.core.maintain;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.IndexReferences;
import io.lakebeam.core.lake.Collection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.ManageSnapshots;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;

/**
 * Expires a collection's old snapshots and deletes the files only they referenced, keeping every
 * snapshot that something pins: the snapshot each vector index was built on and the ones after it
 * (a refresh carries the index over the rewrites they record), and the snapshots given by {@link
 * #withPins} (context packages pin their source snapshot).
 *
 * <pre>{@code
 * SnapshotExpiry.Result r =
 *     SnapshotExpiry.of(lake.collection("kb.chunks"))
 *         .olderThan(Duration.ofDays(7))
 *         .retainLast(5)
 *         .withPins(Set.of(packagePinnedSnapshotId))
 *         .run();
 * }</pre>
 *
 * <p>Pins become Iceberg tags named {@value #PIN_TAG_PREFIX}{@code <snapshot-id>}, so every
 * engine's snapshot expiry (Spark's {@code expire_snapshots} included) keeps them too; tags of
 * snapshots no longer pinned are removed by the next run. Immutable.
 */
public final class SnapshotExpiry {
  /** Prefix of the tags that keep snapshots pinned by {@link #withPins} (context packages). */
  public static final String PIN_TAG_PREFIX = "lakebeam-pin-";

  /** Prefix of the tags that keep the snapshots vector indexes were built on. */
  public static final String INDEX_PIN_TAG_PREFIX = "lakebeam-index-pin-";

  /** Default retention: snapshots older than this are expired. */
  public static final Duration DEFAULT_OLDER_THAN = Duration.ofDays(7);

  /** Default number of most recent snapshots kept whatever their age. */
  public static final int DEFAULT_RETAIN_LAST = 5;

  private final Collection collection;
  private final Duration olderThan;
  private final int retainLast;
  private final Set<Long> pins; // null: not given, the existing pin tags stay

  private SnapshotExpiry(
      Collection collection, Duration olderThan, int retainLast, Set<Long> pins) {
    this.collection = collection;
    this.olderThan = olderThan;
    this.retainLast = retainLast;
    this.pins = pins;
  }

  /** Expiry of {@code collection} with the defaults: older than 7 days, the last 5 kept. */
  public static SnapshotExpiry of(Collection collection) {
    return new SnapshotExpiry(collection, DEFAULT_OLDER_THAN, DEFAULT_RETAIN_LAST, null);
  }

  /** Expires snapshots older than {@code age} (default 7 days; zero or more). */
  public SnapshotExpiry olderThan(Duration age) {
    if (age.isNegative()) {
      throw LakebeamException.invalid("Cannot expire snapshots older than %s: give 0 or more", age);
    }
    return new SnapshotExpiry(collection, age, retainLast, pins);
  }

  /** Keeps the {@code n} most recent snapshots whatever their age (default 5; at least 1). */
  public SnapshotExpiry retainLast(int n) {
    if (n < 1) {
      throw LakebeamException.invalid(
          "Cannot retain the last %d snapshots: give at least 1 (the current one)", n);
    }
    return new SnapshotExpiry(collection, olderThan, n, pins);
  }

  /**
   * Keeps these snapshots too (ids that are not snapshots of this table are ignored): the complete
   * set of outside pins, since the tags of snapshots pinned by an earlier run and not given here
   * are removed. Without it (the default), earlier pins stay.
   */
  public SnapshotExpiry withPins(Set<Long> snapshotIds) {
    return new SnapshotExpiry(collection, olderThan, retainLast, Set.copyOf(snapshotIds));
  }

  /**
   * What an expiry did.
   *
   * @param expired the ids of the expired snapshots
   * @param kept snapshots left
   * @param pinned the pinned snapshot ids that exist (kept whatever their age)
   * @param filesDeleted data, delete, manifest and manifest-list files only the expired snapshots
   *     referenced
   */
  public record Result(List<Long> expired, int kept, Set<Long> pinned, long filesDeleted) {}

  public Result run() {
    Table table = collection.refreshMetadata().table();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return new Result(List.of(), 0, Set.of(), 0);
    }
    Set<Long> pinned = new TreeSet<>();
    for (long id : pins == null ? Set.<Long>of() : pins) {
      if (table.snapshot(id) != null) {
        pinned.add(id);
      }
    }
    Set<Long> indexPins = new TreeSet<>();
    int retain = retainLast;
    for (long indexed : IndexReferences.pinnedSnapshots(table).values()) {
      if (table.snapshot(indexed) == null) {
        continue;
      }
      indexPins.add(indexed);
      int distance = ancestorDistance(table, current, indexed);
      if (distance >= 0) {
        retain = Math.max(retain, distance + 1);
      }
    }
    tagPins(table, PIN_TAG_PREFIX, pinned, pins != null);
    tagPins(table, INDEX_PIN_TAG_PREFIX, indexPins, true);
    table
        .refs()
        .forEach(
            (name, ref) -> {
              if (name.startsWith(PIN_TAG_PREFIX)) {
                pinned.add(ref.snapshotId());
              }
            });
    pinned.addAll(indexPins);
    Set<Long> before = new HashSet<>();
    table.snapshots().forEach(s -> before.add(s.snapshotId()));
    AtomicLong deleted = new AtomicLong();
    table
        .expireSnapshots()
        .expireOlderThan(System.currentTimeMillis() - olderThan.toMillis())
        .retainLast(retain)
        .cleanExpiredFiles(true)
        .deleteWith(
            path -> {
              table.io().deleteFile(path);
              deleted.incrementAndGet();
            })
        .commit();
    table.refresh();
    Set<Long> after = new HashSet<>();
    table.snapshots().forEach(s -> after.add(s.snapshotId()));
    List<Long> expired = new ArrayList<>();
    before.stream().filter(id -> !after.contains(id)).sorted().forEach(expired::add);
    return new Result(expired, after.size(), pinned, deleted.get());
  }

  /** Snapshots from {@code current} back to {@code ancestor}, or -1 when it is not an ancestor. */
  private static int ancestorDistance(Table table, Snapshot current, long ancestor) {
    int d = 0;
    for (Snapshot s = current;
        s != null;
        s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      if (s.snapshotId() == ancestor) {
        return d;
      }
      d++;
    }
    return -1;
  }

  /**
   * One metadata commit: a tag {@code prefix<id>} per pinned snapshot and, when {@code prune}, none
   * for snapshots no longer pinned.
   */
  private static void tagPins(Table table, String prefix, Set<Long> pinned, boolean prune) {
    Map<String, SnapshotRef> refs = table.refs();
    ManageSnapshots update = table.manageSnapshots();
    boolean changed = false;
    for (Map.Entry<String, SnapshotRef> r : refs.entrySet()) {
      if (prune && r.getKey().startsWith(prefix) && !pinned.contains(r.getValue().snapshotId())) {
        update.removeTag(r.getKey());
        changed = true;
      }
    }
    for (long id : pinned) {
      if (!refs.containsKey(prefix + id)) {
        update.createTag(prefix + id, id);
        changed = true;
      }
    }
    if (changed) {
      update.commit();
      table.refresh();
    }
  }
}
