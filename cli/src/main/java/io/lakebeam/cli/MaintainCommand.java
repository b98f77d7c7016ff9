package io.lakebeam.cli;

import io.lakebeam.contextpackages.PackagePins;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.index.DiskCache;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.maintain.Compaction;
import io.lakebeam.core.maintain.OrphanFiles;
import io.lakebeam.core.maintain.SnapshotExpiry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lakebeam maintain compact|expire|gc}: table maintenance, safe while servers read and
 * pipelines write. Progress lines go to stderr, the JSON summary to stdout.
 *
 * <pre>{@code
 * lakebeam maintain compact kb.chunks
 * lakebeam maintain expire --all --older-than 7d --retain-last 5
 * lakebeam maintain gc kb.chunks --older-than 1d --dry-run
 * }</pre>
 */
@Command(
    name = "maintain",
    description = "Compact small files, expire old snapshots, remove orphan files.",
    subcommands = {
      MaintainCommand.Compact.class,
      MaintainCommand.Expire.class,
      MaintainCommand.Gc.class
    })
final class MaintainCommand {
  private static final Pattern AGE = Pattern.compile("(\\d+)\\s*([dhms]?)");

  /** The collections a command works on: those named, or every one with {@code --all}. */
  static final class Targets {
    @Parameters(paramLabel = "COLLECTION", arity = "0..*", description = "Collections")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Every collection of the lakehouse")
    boolean all;

    List<Collection> resolve(Lakehouse lake) {
      if (all == !names.isEmpty()) {
        throw LakebeamException.invalid(
            "Cannot choose collections: name one or more, or give --all (not both)");
      }
      List<Collection> out = new ArrayList<>();
      for (String n : all ? lake.listCollections() : names) {
        out.add(lake.collection(n));
      }
      return out;
    }
  }

  /** Parses an age such as {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s} or {@code 0}. */
  static Duration parseAge(String text) {
    Matcher m = AGE.matcher(text.trim());
    if (!m.matches()) {
      throw LakebeamException.invalid(
          "Cannot parse age '%s': use a number and d, h, m or s, e.g. 7d or 12h", text);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "d" -> Duration.ofDays(n);
      case "h" -> Duration.ofHours(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static void progress(String format, Object... args) {
    System.err.printf("[maintain] " + format + "%n", args);
  }

  @Command(
      name = "compact",
      description =
          "Rewrite small data files into larger ones and apply position deletes (one commit per"
              + " collection); indexes are carried over to the new files.")
  static final class Compact implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Targets targets;

    @Option(
        names = "--target-file-size",
        description = "Size of compacted files, e.g. 128m (default: the table's, else 128m)")
    String targetFileSize;

    @Option(
        names = "--no-index-refresh",
        description = "Leave the indexes stale (default: refresh)")
    boolean noIndexRefresh;

    @Override
    public Integer call() throws Exception {
      List<Map<String, Object>> out = new ArrayList<>();
      try (Lakehouse lake = lakehouse.open()) {
        for (Collection c : targets.resolve(lake)) {
          if (c.isExternal()) {
            progress("compact %s: skipped (external: its files belong to you)", c.name());
            continue;
          }
          Compaction job = Compaction.of(c).withIndexRefresh(!noIndexRefresh);
          if (targetFileSize != null) {
            job = job.withTargetFileBytes(DiskCache.parseSize(targetFileSize));
          }
          progress("compact %s ...", c.name());
          Compaction.Result r = job.run();
          progress(
              "compact %s: %d files -> %d (%,d rows, %,d deleted rows applied, %d delete files"
                  + " removed)",
              c.name(),
              r.filesRewritten(),
              r.filesWritten(),
              r.rowsWritten(),
              r.deletedRowsApplied(),
              r.deleteFilesRemoved());
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("collection", c.name());
          m.put("snapshot_id", r.snapshotId());
          m.put("files_rewritten", r.filesRewritten());
          m.put("files_written", r.filesWritten());
          m.put("rows_written", r.rowsWritten());
          m.put("deleted_rows_applied", r.deletedRowsApplied());
          m.put("delete_files_removed", r.deleteFilesRemoved());
          m.put("bytes_rewritten", r.bytesRewritten());
          m.put("bytes_written", r.bytesWritten());
          m.put("attempts", r.attempts());
          m.put("indexes", r.indexes().stream().map(IndexService.BuildResult::toMap).toList());
          out.add(m);
        }
      }
      Printer.json(out);
      return 0;
    }
  }

  @Command(
      name = "expire",
      description =
          "Expire old snapshots and delete the files only they referenced, keeping every snapshot"
              + " an index or a context package pins.")
  static final class Expire implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Targets targets;

    @Option(
        names = "--older-than",
        defaultValue = "7d",
        description = "Expire snapshots older than this (default: ${DEFAULT-VALUE})")
    String olderThan;

    @Option(
        names = "--retain-last",
        defaultValue = "5",
        description =
            "Keep this many recent snapshots whatever their age (default: ${DEFAULT-VALUE})")
    int retainLast;

    @Override
    public Integer call() throws Exception {
      Duration age = parseAge(olderThan);
      List<Map<String, Object>> out = new ArrayList<>();
      try (Lakehouse lake = lakehouse.open()) {
        List<Collection> collections = targets.resolve(lake);
        Map<String, Set<Long>> pins = PackagePins.of(lake);
        for (Collection c : collections) {
          SnapshotExpiry.Result r =
              SnapshotExpiry.of(c)
                  .olderThan(age)
                  .retainLast(retainLast)
                  .withPins(pins.getOrDefault(c.name(), Set.of()))
                  .run();
          progress(
              "expire %s: %d snapshots expired, %d kept (%d pinned), %d files deleted",
              c.name(), r.expired().size(), r.kept(), r.pinned().size(), r.filesDeleted());
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("collection", c.name());
          m.put("expired", r.expired());
          m.put("kept", r.kept());
          m.put("pinned", r.pinned());
          m.put("files_deleted", r.filesDeleted());
          out.add(m);
        }
      }
      Printer.json(out);
      return 0;
    }
  }

  @Command(
      name = "gc",
      description =
          "Remove orphan data files (from killed jobs) and index files no index references, older"
              + " than a safety age.")
  static final class Gc implements Callable<Integer> {
    @Mixin LakehouseOption lakehouse;
    @Mixin Targets targets;

    @Option(
        names = "--older-than",
        defaultValue = "1d",
        description =
            "Only remove files older than this; longer than any write takes (default:"
                + " ${DEFAULT-VALUE})")
    String olderThan;

    @Option(names = "--dry-run", description = "List the orphans without deleting them")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      Duration age = parseAge(olderThan);
      List<Map<String, Object>> out = new ArrayList<>();
      try (Lakehouse lake = lakehouse.open()) {
        for (Collection c : targets.resolve(lake)) {
          OrphanFiles.Result r = OrphanFiles.of(c).olderThan(age).dryRun(dryRun).run();
          progress(
              "gc %s: %s %d orphan files (%d data, %d index, %d lineage), %,d bytes",
              c.name(),
              dryRun ? "would remove" : "removed",
              r.files().size(),
              r.count("data"),
              r.count("index"),
              r.count("lineage"),
              r.bytes());
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("collection", c.name());
          m.put("dry_run", dryRun);
          m.put("data_files", r.count("data"));
          m.put("index_files", r.count("index"));
          m.put("lineage_files", r.count("lineage"));
          m.put("bytes", r.bytes());
          m.put("files", r.files().stream().map(OrphanFiles.Orphan::location).toList());
          out.add(m);
        }
      }
      Printer.json(out);
      return 0;
    }
  }
}
