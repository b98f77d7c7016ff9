package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.OverwriteFiles;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;

/**
 * One refresh of an external collection: the files that appeared, disappeared or changed in place
 * since they were registered, planned against one snapshot and committed with Iceberg's conflict
 * validation, so that two refreshes running at once never register a file twice.
 *
 * <pre>{@code
 * ExternalFiles.Result r = ExternalRefresh.plan(collection).commit();
 * }</pre>
 *
 * <p>A file changed in place (its size differs from the registered one, or a local file was
 * modified after the snapshot that registered it) is re-registered: its old entry is removed and a
 * new one, with fresh metrics, added in the same commit; it counts as one removed and one added
 * file. When the commit meets a concurrent change, the plan is recomputed from the new state and
 * tried again, up to {@value #MAX_ATTEMPTS} times.
 */
public final class ExternalRefresh {
  /** Plans tried before a refresh that keeps meeting concurrent changes gives up. */
  public static final int MAX_ATTEMPTS = 5;

  private final Collection collection;
  private final Long baseSnapshotId;
  private final List<DataFile> added;
  private final List<DataFile> removed;
  private final List<String> changed;
  private final List<ExternalFiles.Rejected> rejected;

  private ExternalRefresh(
      Collection collection,
      Long baseSnapshotId,
      List<DataFile> added,
      List<DataFile> removed,
      List<String> changed,
      List<ExternalFiles.Rejected> rejected) {
    this.collection = collection;
    this.baseSnapshotId = baseSnapshotId;
    this.added = added;
    this.removed = removed;
    this.changed = changed;
    this.rejected = rejected;
  }

  /** Lists the source and compares it with the collection's current snapshot; commits nothing. */
  public static ExternalRefresh plan(Collection collection) {
    Table table = collection.table();
    table.refresh();
    Lakehouse lake = collection.lakehouse();
    List<String> matched = lake.sourceRoots().resolve(lake.io(), collection.source());
    Snapshot base = table.currentSnapshot();
    Map<String, DataFile> live = new HashMap<>();
    collection.liveFiles().forEach(f -> live.put(f.path().toString(), f));
    Set<String> matchedSet = new HashSet<>(matched);
    NameMapping mapping =
        NameMappingParser.fromJson(table.properties().get(TableProperties.DEFAULT_NAME_MAPPING));
    List<String> required = new ArrayList<>(collection.vectorFields().keySet());
    MetricsConfig metrics = MetricsConfig.forTable(table);
    List<DataFile> added = new ArrayList<>();
    List<DataFile> removed = new ArrayList<>();
    List<String> changed = new ArrayList<>();
    List<ExternalFiles.Rejected> rejected = new ArrayList<>();
    Map<Long, Long> committedAt = commitTimesBySequence(table);
    for (String f : matched) {
      DataFile old = live.get(f);
      if (old != null && !changedInPlace(lake, old, committedAt)) {
        continue;
      }
      if (old != null) {
        removed.add(old);
        changed.add(f);
      }
      Object r = ExternalFiles.toDataFile(lake.io(), f, table.schema(), required, mapping, metrics);
      if (r instanceof DataFile df) {
        added.add(df);
      } else {
        rejected.add((ExternalFiles.Rejected) r);
      }
    }
    live.values().stream()
        .filter(f -> !matchedSet.contains(f.path().toString()))
        .forEach(removed::add);
    return new ExternalRefresh(
        collection, base == null ? null : base.snapshotId(), added, removed, changed, rejected);
  }

  /** The files whose bytes changed since they were registered. */
  public List<String> changedFiles() {
    return changed;
  }

  /** Commits the plan; if another commit came first, plans again from the new state and retries. */
  public ExternalFiles.Result commit() {
    ExternalRefresh attempt = this;
    for (int i = 1; ; i++) {
      try {
        return attempt.commitOnce();
      } catch (ValidationException | CommitFailedException e) {
        if (i >= MAX_ATTEMPTS) {
          throw LakebeamException.invalid(
              "Cannot refresh '%s': it changed concurrently %d times in a row; try again",
              collection.name(), i);
        }
        attempt = plan(collection);
      }
    }
  }

  private ExternalFiles.Result commitOnce() {
    if (!added.isEmpty() || !removed.isEmpty()) {
      OverwriteFiles op = collection.table().newOverwrite();
      if (baseSnapshotId != null) {
        // Fails (instead of adding a file twice) when any file was added or removed since the
        // snapshot this plan was made from.
        op.validateFromSnapshot(baseSnapshotId)
            .conflictDetectionFilter(Expressions.alwaysTrue())
            .validateNoConflictingData()
            .validateNoConflictingDeletes();
      }
      removed.forEach(op::deleteFile);
      added.forEach(op::addFile);
      op.commit();
      if (!changed.isEmpty()) {
        collection.lakehouse().indexes().columnCache().invalidate(changed);
      }
    }
    long rows = added.stream().mapToLong(DataFile::recordCount).sum();
    return new ExternalFiles.Result(
        collection.name(), added.size(), removed.size(), rows, rejected);
  }

  /** Whether a registered file's bytes changed: another size, or a later local modification. */
  private static boolean changedInPlace(Lakehouse lake, DataFile old, Map<Long, Long> committedAt) {
    String path = old.path().toString();
    try {
      if (lake.io().newInputFile(path).getLength() != old.fileSizeInBytes()) {
        return true;
      }
    } catch (RuntimeException e) {
      return false; // vanished since listing: the next refresh removes it
    }
    Long at = old.dataSequenceNumber() == null ? null : committedAt.get(old.dataSequenceNumber());
    Path local = SourceRoots.isObjectUri(path) ? null : Path.of(SourceRoots.stripFileScheme(path));
    if (at == null || local == null) {
      return false;
    }
    try {
      return Files.getLastModifiedTime(local).toMillis() > at;
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<Long, Long> commitTimesBySequence(Table table) {
    Map<Long, Long> times = new HashMap<>();
    for (Snapshot s : table.snapshots()) {
      times.put(s.sequenceNumber(), s.timestampMillis());
    }
    return times;
  }
}
