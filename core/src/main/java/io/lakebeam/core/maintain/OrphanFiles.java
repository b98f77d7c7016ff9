package io.lakebeam.core.maintain;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.IndexReferences;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.write.RewriteLineage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.ManifestReader;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;

/**
 * Removes a collection's orphan files: data files under the table's data location that no live
 * snapshot references (left by killed jobs, abandoned compactions and write-backs), index files
 * (segment graphs, row maps, PQ codes, manifests) that no index manifest in force within the safety
 * age references, and rewrite-lineage side files no live snapshot names. A file younger than the
 * safety age (default 1 day) is never removed, so a write still in flight keeps its files.
 *
 * <pre>{@code
 * OrphanFiles.Result r = OrphanFiles.of(lake.collection("kb.chunks")).dryRun(true).run();
 * r.files().forEach(f -> System.out.println(f.location()));
 * }</pre>
 *
 * <p>External collections keep their data files (they belong to you); only their index files are
 * collected. Immutable.
 */
public final class OrphanFiles {
  /** Default safety age: files younger than this are never removed. */
  public static final Duration DEFAULT_SAFETY_AGE = Duration.ofDays(1);

  private final Collection collection;
  private final Duration safetyAge;
  private final boolean dryRun;

  private OrphanFiles(Collection collection, Duration safetyAge, boolean dryRun) {
    this.collection = collection;
    this.safetyAge = safetyAge;
    this.dryRun = dryRun;
  }

  /** Orphan removal for {@code collection}, files younger than one day kept. */
  public static OrphanFiles of(Collection collection) {
    return new OrphanFiles(collection, DEFAULT_SAFETY_AGE, false);
  }

  /**
   * Keeps files younger than {@code age} (default 1 day). Make it longer than any write can take: a
   * shorter age can delete the files of a job that has not committed yet.
   */
  public OrphanFiles olderThan(Duration age) {
    if (age.isNegative()) {
      throw LakebeamException.invalid("Cannot remove files older than %s: give 0 or more", age);
    }
    return new OrphanFiles(collection, age, dryRun);
  }

  /** Lists the orphans without deleting them (default false). */
  public OrphanFiles dryRun(boolean dry) {
    return new OrphanFiles(collection, safetyAge, dry);
  }

  /** One orphan file; {@code kind} is {@code data}, {@code index} or {@code lineage}. */
  public record Orphan(String location, long bytes, String kind) {}

  /** The orphans found (and removed unless a dry run). */
  public record Result(List<Orphan> files, boolean dryRun) {
    public long count(String kind) {
      return files.stream().filter(f -> f.kind().equals(kind)).count();
    }

    public long bytes() {
      return files.stream().mapToLong(Orphan::bytes).sum();
    }
  }

  public Result run() {
    Table table = collection.refreshMetadata().table();
    if (!(table.io() instanceof SupportsPrefixOperations io)) {
      throw LakebeamException.invalid(
          "Cannot list the files of '%s': its storage (%s) cannot list by prefix",
          collection.name(), table.io().getClass().getSimpleName());
    }
    long cutoff = System.currentTimeMillis() - safetyAge.toMillis();
    List<Orphan> orphans = new ArrayList<>();
    if (!collection.isExternal()) {
      Set<String> referenced = referencedDataFiles(table);
      String dataDir = dataDirectory(table);
      for (FileInfo f : list(io, dataDir)) {
        if (f.createdAtMillis() < cutoff && !referenced.contains(normalise(f.location()))) {
          orphans.add(new Orphan(f.location(), f.size(), "data"));
        }
      }
    }
    Set<String> indexFiles = new HashSet<>();
    IndexReferences.referencedFiles(table, cutoff).forEach(p -> indexFiles.add(normalise(p)));
    for (FileInfo f : list(io, table.location() + "/lakebeam-index/")) {
      if (f.createdAtMillis() < cutoff && !indexFiles.contains(normalise(f.location()))) {
        orphans.add(new Orphan(f.location(), f.size(), "index"));
      }
    }
    Set<String> lineage = new HashSet<>();
    for (Snapshot s : table.snapshots()) {
      String l = s.summary().get(RewriteLineage.SUMMARY_KEY);
      if (l != null) {
        lineage.add(normalise(l));
      }
    }
    for (FileInfo f : list(io, table.location() + "/metadata/")) {
      String name = f.location().substring(f.location().lastIndexOf('/') + 1);
      if (f.createdAtMillis() >= cutoff) {
        continue;
      }
      if (name.startsWith("lakebeam-index-") && name.endsWith(".puffin")) {
        if (!indexFiles.contains(normalise(f.location()))) {
          orphans.add(new Orphan(f.location(), f.size(), "index"));
        }
      } else if (name.startsWith("lakebeam-rewrite-") && name.endsWith(".json")) {
        if (!lineage.contains(normalise(f.location()))) {
          orphans.add(new Orphan(f.location(), f.size(), "lineage"));
        }
      }
    }
    if (!dryRun) {
      for (Orphan o : orphans) {
        table.io().deleteFile(o.location());
      }
    }
    return new Result(List.copyOf(orphans), dryRun);
  }

  /** Every data and delete file that some snapshot of the table references. */
  private static Set<String> referencedDataFiles(Table table) {
    Set<String> out = new HashSet<>();
    Set<String> manifests = new HashSet<>();
    try {
      for (Snapshot s : table.snapshots()) {
        for (ManifestFile m : s.allManifests(table.io())) {
          if (!manifests.add(m.path())) {
            continue;
          }
          if (m.content() == ManifestContent.DATA) {
            try (CloseableIterable<String> paths = ManifestFiles.readPaths(m, table.io())) {
              paths.forEach(p -> out.add(normalise(p)));
            }
          } else {
            try (ManifestReader<DeleteFile> r =
                ManifestFiles.readDeleteManifest(m, table.io(), table.specs())) {
              r.forEach(d -> out.add(normalise(d.path().toString())));
            }
          }
        }
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read the manifests of " + table.name(), e);
    }
    return out;
  }

  /** The files under a prefix; none when the folder does not exist. */
  private static List<FileInfo> list(SupportsPrefixOperations io, String prefix) {
    List<FileInfo> out = new ArrayList<>();
    try {
      io.listPrefix(prefix).forEach(out::add);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof java.io.FileNotFoundException) {
          return List.of();
        }
      }
      throw e;
    }
    return out;
  }

  private static String dataDirectory(Table table) {
    String probe = table.locationProvider().newDataLocation("probe");
    return probe.substring(0, probe.length() - "probe".length());
  }

  /** {@code file:/x}, {@code file:///x} and {@code /x} name the same local file. */
  static String normalise(String location) {
    if (location.startsWith("file:///")) {
      return location.substring("file://".length());
    }
    if (location.startsWith("file:/")) {
      return location.substring("file:".length());
    }
    return location;
  }
}
