package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.write.KeyedCommit;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.RowDelta;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.expressions.Expressions;

/**
 * The packages table: one row per (name, topic, version), append-only. A commit gives a built
 * package the next version of its (name, topic) only when its content hash differs from the latest
 * version's, so a build that changes nothing adds nothing.
 *
 * <pre>{@code
 * Collection packages = PackageTable.ensure(lake, "context.packages");
 * PackageTable.CommitResult r = PackageTable.commit(packages, built, "build-42");
 * }</pre>
 *
 * <p>Versions are assigned at commit time against the table's current snapshot, and the commit
 * validates that no other commit added rows of the same package names meanwhile (re-planned up to 8
 * times otherwise), so concurrent builds never give two packages the same version.
 */
public final class PackageTable {
  public static final String NAME = "name";
  public static final String TOPIC = "topic";
  public static final String VERSION = "version";
  public static final String CONTENT_HASH = "content_hash";

  private static final int MAX_ATTEMPTS = 8;

  private PackageTable() {}

  /** Column types of the table, in order. */
  public static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put(NAME, "string not null");
    s.put(TOPIC, "string not null");
    s.put(VERSION, "int not null");
    s.put("query", "string");
    s.put("text", "string");
    s.put("citations", "string");
    s.put("token_count", "int");
    s.put("retrieved", "int");
    s.put("duplicates_dropped", "int");
    s.put(CONTENT_HASH, "string");
    s.put("spec", "string");
    s.put("spec_hash", "string");
    s.put("source_collection", "string");
    s.put("source_field", "string");
    s.put("source_snapshot_id", "long");
    s.put("model", "string");
    s.put("tokenizer", "string");
    s.put("build_id", "string");
    s.put("built_at", "timestamptz");
    return s;
  }

  /** Opens the packages table, creating it when missing. */
  public static Collection ensure(Lakehouse lake, String table) {
    Collection c = lake.createCollection(table, schema(), Metric.COSINE, true);
    if (c.schema().findField(CONTENT_HASH) == null || c.schema().findField(VERSION) == null) {
      throw LakebeamException.invalid(
          "Cannot store context packages in '%s': it is not a packages table (no %s/%s column);"
              + " choose another 'table'",
          table, VERSION, CONTENT_HASH);
    }
    return c;
  }

  /** What a commit did. */
  public record CommitResult(
      long snapshotId, List<ContextPackage> added, List<ContextPackage> unchanged) {}

  /** Stores the packages whose content changed as new versions, in one snapshot. */
  public static CommitResult commit(
      Collection packages, List<ContextPackage> built, String buildId) {
    Table table = packages.table();
    Set<String> names = new TreeSet<>();
    built.forEach(p -> names.add(p.name()));
    LakebeamException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      packages.refreshMetadata();
      Snapshot landed = findWrite(table, buildId);
      if (landed != null) {
        return new CommitResult(landed.snapshotId(), List.of(), List.of());
      }
      Snapshot base = table.currentSnapshot();
      PackageIndex index = PackageIndex.of(packages);
      Instant now = Instant.now();
      List<ContextPackage> added = new ArrayList<>();
      List<ContextPackage> unchanged = new ArrayList<>();
      for (ContextPackage p : built) {
        PackageIndex.Entry latest = index.latest(p.name(), p.topic());
        if (latest != null && latest.contentHash().equals(p.contentHash())) {
          unchanged.add(p.asVersion(latest.version(), latest.buildId(), null));
        } else {
          added.add(p.asVersion(latest == null ? 1 : latest.version() + 1, buildId, now));
        }
      }
      if (added.isEmpty()) {
        return new CommitResult(base == null ? -1 : base.snapshotId(), added, unchanged);
      }
      List<DataFile> files;
      try (CollectionWriter w = packages.newWriter()) {
        for (ContextPackage p : added) {
          w.write(record(packages, p));
        }
        files = w.finishFiles();
      }
      try {
        RowDelta delta = table.newRowDelta();
        files.forEach(delta::addRows);
        delta.set(KeyedCommit.WRITE_ID, buildId);
        if (base != null) {
          delta
              .validateFromSnapshot(base.snapshotId())
              .conflictDetectionFilter(Expressions.in(NAME, names.toArray()))
              .validateNoConflictingDataFiles();
        }
        delta.commit();
        return new CommitResult(table.currentSnapshot().snapshotId(), added, unchanged);
      } catch (ValidationException | CommitFailedException e) {
        files.forEach(f -> table.io().deleteFile(f.path().toString()));
        last =
            LakebeamException.internal(
                "Cannot commit context packages "
                    + names
                    + ": other builds of the same packages"
                    + " kept committing ("
                    + e.getMessage()
                    + "); run the build again",
                e);
      }
    }
    throw last;
  }

  private static Record record(Collection packages, ContextPackage p) {
    Record r = GenericRecord.create(packages.schema());
    r.setField(NAME, p.name());
    r.setField(TOPIC, p.topic());
    r.setField(VERSION, p.version());
    r.setField("query", p.query());
    r.setField("text", p.text());
    r.setField("citations", p.citationsJson());
    r.setField("token_count", p.tokenCount());
    r.setField("retrieved", p.retrieved());
    r.setField("duplicates_dropped", p.duplicatesDropped());
    r.setField(CONTENT_HASH, p.contentHash());
    r.setField("spec", p.specJson());
    r.setField("spec_hash", p.specHash());
    r.setField("source_collection", p.sourceCollection());
    r.setField("source_field", p.sourceField());
    r.setField("source_snapshot_id", p.sourceSnapshotId());
    r.setField("model", p.model());
    r.setField("tokenizer", p.tokenizer());
    r.setField("build_id", p.buildId());
    r.setField("built_at", p.builtAt() == null ? null : p.builtAt().atOffset(ZoneOffset.UTC));
    return r;
  }

  private static Snapshot findWrite(Table table, String writeId) {
    for (Snapshot s = table.currentSnapshot();
        s != null;
        s = s.parentId() == null ? null : table.snapshot(s.parentId())) {
      if (writeId.equals(s.summary().get(KeyedCommit.WRITE_ID))) {
        return s;
      }
    }
    return null;
  }
}
