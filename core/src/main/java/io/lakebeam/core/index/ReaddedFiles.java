package io.lakebeam.core.index;

import java.util.HashSet;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * The data file paths removed and registered again since a snapshot: external Parquet files that
 * were overwritten in place. A segment that indexed such a path holds positions of the old bytes,
 * so a refresh rebuilds it instead of keeping it.
 *
 * <pre>{@code
 * Set<String> stale = ReaddedFiles.since(table, manifest.snapshotId());
 * }</pre>
 */
final class ReaddedFiles {
  private ReaddedFiles() {}

  /**
   * Paths both removed and added by the snapshots after {@code snapshotId} (to the current one).
   */
  static Set<String> since(Table table, long snapshotId) {
    Set<String> added = new HashSet<>();
    Set<String> removed = new HashSet<>();
    Snapshot s = table.currentSnapshot();
    while (s != null && s.snapshotId() != snapshotId) {
      for (DataFile f : s.addedDataFiles(table.io())) {
        added.add(f.path().toString());
      }
      for (DataFile f : s.removedDataFiles(table.io())) {
        removed.add(f.path().toString());
      }
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    added.retainAll(removed);
    return added;
  }
}
