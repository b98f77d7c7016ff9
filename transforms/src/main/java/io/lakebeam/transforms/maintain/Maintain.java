package io.lakebeam.transforms.maintain;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.maintain.Compaction;
import io.lakebeam.core.maintain.OrphanFiles;
import io.lakebeam.transforms.lake.LakeTarget;

/**
 * Table maintenance as Beam transforms, one collection per element, so a scheduled pipeline can
 * maintain many collections in parallel on any runner. Each element runs the {@code
 * io.lakebeam.core.maintain} engine for one collection and outputs one summary row.
 *
 * <pre>{@code
 * p.apply(Create.of("kb.chunks", "drives.frames"))
 *  .apply("Compact", Maintain.compact(lake))
 *  .apply("Remove orphans", ...);
 * p.apply(Create.of("kb.chunks")).apply(Maintain.removeOrphanFiles(lake).olderThan(Duration.ofDays(3)));
 * }</pre>
 *
 * <p>A retried bundle is harmless: a compaction that already committed finds nothing left to merge,
 * and orphan removal only deletes what nothing references. Snapshot expiry is not offered here: it
 * needs the context packages' pins, which only {@code lakebeam maintain expire} (or {@code
 * SnapshotExpiry} with {@code PackagePins}) gathers.
 */
public final class Maintain {
  private Maintain() {}

  /** Compacts each collection named by the input ({@link Compaction}), indexes carried over. */
  public static CompactCollections compact(Lakehouse lakehouse) {
    checkArgument(lakehouse != null, "Cannot compact: no lakehouse");
    return new CompactCollections(LakeTarget.of(lakehouse, "*"), 0);
  }

  /** Removes the orphan files of each collection named by the input ({@link OrphanFiles}). */
  public static RemoveOrphanFiles removeOrphanFiles(Lakehouse lakehouse) {
    checkArgument(lakehouse != null, "Cannot remove orphan files: no lakehouse");
    return new RemoveOrphanFiles(
        LakeTarget.of(lakehouse, "*"), OrphanFiles.DEFAULT_SAFETY_AGE.toMillis(), false);
  }
}
