package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.RewriteLineage;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries an index's graph segments over copy-on-write rewrites that left the indexed vectors as
 * they were (a write-back that added or replaced other columns): instead of re-indexing the
 * rewritten files, each segment keeps its graph and gets a new row map whose (file, position)
 * references point into the new files, following the {@link RewriteLineage} each rewrite recorded
 * in its snapshot summary. Rows a rewrite dropped become dead ordinals (never returned).
 *
 * <p>What is not carried is re-indexed by the refresh as before: files of a rewrite that wrote the
 * indexed column itself, of a rewrite without lineage (another engine, a missing or unreadable side
 * file), and everything when the indexed snapshot is not an ancestor of the current one.
 */
final class IndexCarryOver {
  private static final Logger LOG = LoggerFactory.getLogger(IndexCarryOver.class);

  /** The segments after carry-over, and how many live rows were re-pointed to rewritten files. */
  record Result(List<IndexManifest.SegmentRef> segments, long rowsCarried, int rewrites) {}

  private IndexCarryOver() {}

  /** Carries the segments of {@code old} forward to the snapshot of {@code state}. */
  static Result apply(Table table, TableState state, IndexManifest old) {
    List<RewriteLineage> steps =
        lineageSince(table, old.snapshotId(), state.snapshotId(), old.field());
    if (steps.isEmpty()) {
      return new Result(old.segments(), 0, 0);
    }
    Set<String> sources = new HashSet<>();
    steps.forEach(l -> l.files().forEach(e -> sources.add(e.source())));
    List<IndexManifest.SegmentRef> out = new ArrayList<>();
    long carried = 0;
    for (IndexManifest.SegmentRef ref : old.segments()) {
      if (ref.files().stream().noneMatch(sources::contains)) {
        out.add(ref);
        continue;
      }
      Carried c = carry(table, state, ref, steps, old.field());
      if (c == null) {
        out.add(ref); // its rewritten files are re-indexed
      } else {
        out.add(c.ref());
        carried += c.rows();
      }
    }
    return new Result(out, carried, steps.size());
  }

  /**
   * The lineage of the rewrites between the indexed snapshot (exclusive) and the current one,
   * oldest first, without those that wrote the indexed field.
   */
  static List<RewriteLineage> lineageSince(Table table, long indexed, long current, String field) {
    if (indexed == current) {
      return List.of();
    }
    List<Snapshot> chain = new ArrayList<>();
    Snapshot s = table.snapshot(current);
    while (s != null && s.snapshotId() != indexed) {
      chain.add(s);
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    if (s == null) {
      LOG.info(
          "Index of {} covers snapshot {}, which is not an ancestor of {}: nothing carried over",
          field,
          indexed,
          current);
      return List.of();
    }
    Collections.reverse(chain);
    List<RewriteLineage> steps = new ArrayList<>();
    for (Snapshot snap : chain) {
      try {
        RewriteLineage.of(table, snap)
            .ifPresent(
                l -> {
                  if (l.wrote(field)) {
                    LOG.info(
                        "Snapshot {} rewrote the indexed column {}: its files are re-indexed",
                        snap.snapshotId(),
                        field);
                  } else {
                    steps.add(l);
                  }
                });
      } catch (LakebeamException e) {
        LOG.warn("{}: the files of that rewrite are re-indexed", e.getMessage());
      }
    }
    return steps;
  }

  private record Carried(IndexManifest.SegmentRef ref, long rows) {}

  /**
   * A segment re-pointed through the rewrites (its {@code rows}: the ordinals that still name a
   * row), or null when its row map does not fit them or most of its rows are gone; then its files
   * are re-indexed.
   */
  private static Carried carry(
      Table table,
      TableState state,
      IndexManifest.SegmentRef ref,
      List<RewriteLineage> steps,
      String field) {
    RowMap rows = readRows(table, ref);
    int n = rows.size();
    List<String> names = new ArrayList<>(rows.files());
    int[] fileOf = new int[n];
    int[] posOf = new int[n];
    int[][] byFile = ordinalsByFile(rows, names.size());
    for (int o = 0; o < n; o++) {
      fileOf[o] = rows.file(o);
      posOf[o] = rows.pos(o);
    }
    boolean[] moved = new boolean[names.size()];
    for (RewriteLineage step : steps) {
      Map<String, RewriteLineage.Entry> bySource = new HashMap<>();
      Map<String, Set<String>> sourcesOf = new HashMap<>();
      step.files().forEach(e -> bySource.put(e.source(), e));
      step.files()
          .forEach(
              e -> sourcesOf.computeIfAbsent(e.target(), t -> new HashSet<>()).add(e.source()));
      Set<String> mine = new HashSet<>(names);
      for (int f = 0; f < names.size(); f++) {
        RewriteLineage.Entry e = bySource.get(names.get(f));
        if (e == null) {
          continue;
        }
        if (!mine.containsAll(sourcesOf.get(e.target()))) {
          LOG.info(
              "Segment {}: {} also holds rows of files outside it (a compaction merged them);"
                  + " its files are re-indexed",
              ref.graphPath(),
              e.target());
          return null;
        }
        for (int o : byFile[f]) {
          if (fileOf[o] == RowMap.DEAD) {
            continue;
          }
          if (posOf[o] >= e.sourceRows()) {
            LOG.warn(
                "Segment {}: row {} of {} is beyond its {} rows; its files are re-indexed",
                ref.graphPath(),
                posOf[o],
                e.source(),
                e.sourceRows());
            return null;
          }
          int p = e.targetPosition(posOf[o]);
          if (p < 0) {
            fileOf[o] = RowMap.DEAD;
          } else {
            posOf[o] = p;
          }
        }
        names.set(f, e.target());
        moved[f] = true;
      }
    }
    // A compaction maps several files to one target: one file index per distinct name.
    Map<String, Integer> unique = new java.util.LinkedHashMap<>();
    int[] uniqueOf = new int[names.size()];
    for (int f = 0; f < names.size(); f++) {
      uniqueOf[f] = unique.computeIfAbsent(names.get(f), k -> unique.size());
    }
    boolean[] movedUnique = new boolean[unique.size()];
    for (int f = 0; f < names.size(); f++) {
      movedUnique[uniqueOf[f]] |= moved[f];
    }
    for (int o = 0; o < n; o++) {
      if (fileOf[o] != RowMap.DEAD) {
        fileOf[o] = uniqueOf[fileOf[o]];
      }
    }
    names = new ArrayList<>(unique.keySet());
    moved = movedUnique;
    // Keep the files that still hold a row of the segment, renumbered in order.
    int[] renumber = new int[names.size()];
    java.util.Arrays.fill(renumber, RowMap.DEAD);
    int[] maxPos = new int[names.size()];
    java.util.Arrays.fill(maxPos, -1);
    long carried = 0;
    long alive = 0;
    for (int o = 0; o < n; o++) {
      int f = fileOf[o];
      if (f != RowMap.DEAD) {
        renumber[f] = 0;
        maxPos[f] = Math.max(maxPos[f], posOf[o]);
        alive++;
        if (moved[f]) {
          carried++;
        }
      }
    }
    if (alive * 2 < n) {
      LOG.info(
          "Segment {} lost {} of its {} rows to deletes: its files are re-indexed",
          ref.graphPath(),
          n - alive,
          n);
      return null;
    }
    List<String> files = new ArrayList<>();
    for (int f = 0; f < names.size(); f++) {
      if (renumber[f] == RowMap.DEAD) {
        continue;
      }
      DataFile live = state.files().get(names.get(f));
      if (live != null && maxPos[f] >= live.recordCount()) {
        LOG.warn(
            "Segment {}: row {} of {} is beyond its {} rows; its files are re-indexed",
            ref.graphPath(),
            maxPos[f],
            names.get(f),
            live.recordCount());
        return null;
      }
      renumber[f] = files.size();
      files.add(names.get(f));
    }
    for (int o = 0; o < n; o++) {
      if (fileOf[o] != RowMap.DEAD) {
        fileOf[o] = renumber[fileOf[o]];
      }
    }
    String rowsPath = IndexRegistry.newSegmentBase(table, field) + "-carried.rows";
    writeRows(table, new RowMap(files, fileOf, posOf), rowsPath);
    return new Carried(
        new IndexManifest.SegmentRef(
            ref.graphPath(),
            rowsPath,
            alive,
            files,
            ref.unitVectors(),
            ref.pqPath(),
            ref.unreachableNodes()),
        carried);
  }

  private static int[][] ordinalsByFile(RowMap rows, int fileCount) {
    int[] counts = new int[fileCount];
    for (int o = 0; o < rows.size(); o++) {
      if (rows.file(o) != RowMap.DEAD) {
        counts[rows.file(o)]++;
      }
    }
    int[][] out = new int[fileCount][];
    for (int f = 0; f < fileCount; f++) {
      out[f] = new int[counts[f]];
      counts[f] = 0;
    }
    for (int o = 0; o < rows.size(); o++) {
      int f = rows.file(o);
      if (f != RowMap.DEAD) {
        out[f][counts[f]++] = o;
      }
    }
    return out;
  }

  private static RowMap readRows(Table table, IndexManifest.SegmentRef ref) {
    Path local = IndexFiles.fetch(table.io(), ref.rowsPath());
    try (InputStream in = new BufferedInputStream(Files.newInputStream(local), 1 << 16)) {
      return RowMap.read(in);
    } catch (IOException e) {
      throw LakebeamException.internal(
          "Cannot read index row map " + ref.rowsPath() + "; rebuild the index (create_index)", e);
    }
  }

  private static void writeRows(Table table, RowMap rows, String location) {
    Path scratch = SegmentBuilder.scratchFor(location);
    try {
      try (OutputStream out =
          new java.io.BufferedOutputStream(Files.newOutputStream(scratch), 1 << 16)) {
        rows.write(out);
      }
      IndexFiles.publish(table.io(), scratch, location);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write index row map " + location, e);
    } finally {
      try {
        Files.deleteIfExists(scratch);
      } catch (IOException ignored) {
        // scratch files are best-effort
      }
    }
  }
}
