package io.lakebeam.core.write;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Where the rows of a copy-on-write rewrite came from (a column write-back, or a compaction that
 * concatenates several files into one): per source data file, the file that replaces it and the
 * positions of the source the rewrite dropped (rows deleted at the base snapshot). Every other row
 * kept its order, so row {@code p} of the source is row {@code targetOffset + p - |dropped below
 * p|} of the target. The vector index uses this to carry its graphs over to the new files instead
 * of re-indexing vectors that did not change.
 *
 * <p>Stored as a small JSON side file in the table's {@code metadata/} folder; the snapshot that
 * swapped the files names it in its summary under {@value #SUMMARY_KEY}. A snapshot without that
 * key (another engine's rewrite, an older Lakebeam) simply has no lineage: its new files are
 * indexed from scratch.
 *
 * <pre>{@code
 * Optional<RewriteLineage> lineage = RewriteLineage.of(table, table.currentSnapshot());
 * }</pre>
 *
 * @param baseSnapshotId the snapshot whose files were rewritten
 * @param columns the columns the rewrite wrote (their values changed; every other column is a copy)
 * @param files one entry per rewritten file
 */
public record RewriteLineage(long baseSnapshotId, List<String> columns, List<Entry> files) {
  /** The snapshot summary key naming the lineage file of a write-back commit. */
  public static final String SUMMARY_KEY = "lakebeam.rewrite.lineage";

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One rewritten file.
   *
   * @param source the replaced data file
   * @param target the data file that replaces it
   * @param sourceRows rows in {@code source}, dropped ones included
   * @param dropped positions of {@code source} that {@code target} does not hold, ascending
   * @param targetOffset the position in {@code target} of the source's first kept row: 0 for a
   *     write-back (one source per target), the rows of the earlier sources for a compaction that
   *     concatenates several sources into one target (absent in older lineage files: 0)
   */
  public record Entry(
      String source, String target, long sourceRows, int[] dropped, long targetOffset) {
    /** One source per target (a column write-back). */
    public Entry(String source, String target, long sourceRows, int[] dropped) {
      this(source, target, sourceRows, dropped, 0);
    }

    /** The position in {@link #target()} of row {@code pos} of the source, or -1 if dropped. */
    public int targetPosition(int pos) {
      int i = Arrays.binarySearch(dropped, pos);
      return i >= 0 ? -1 : Math.toIntExact(targetOffset + pos - (-i - 1));
    }

    /** Rows in {@link #target()}. */
    public long targetRows() {
      return sourceRows - dropped.length;
    }
  }

  /** Whether the rewrite wrote column {@code column} (its values may have changed). */
  public boolean wrote(String column) {
    return columns.contains(column);
  }

  /** Writes this lineage as a side file of the table; returns its location. */
  public String write(Table table) {
    String path = table.location() + "/metadata/lakebeam-rewrite-" + UUID.randomUUID() + ".json";
    try (OutputStream out = table.io().newOutputFile(path).create()) {
      JSON.writeValue(out, this);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write rewrite lineage " + path, e);
    }
    return path;
  }

  /**
   * The lineage a snapshot recorded, if it recorded one.
   *
   * @throws LakebeamException INTERNAL when the summary names a lineage file that cannot be read
   */
  public static Optional<RewriteLineage> of(Table table, Snapshot snapshot) {
    String path = snapshot.summary().get(SUMMARY_KEY);
    if (path == null) {
      return Optional.empty();
    }
    try (InputStream in = table.io().newInputFile(path).newStream()) {
      return Optional.of(JSON.readValue(in, RewriteLineage.class));
    } catch (IOException | RuntimeException e) {
      throw LakebeamException.internal(
          "Cannot read rewrite lineage " + path + " of snapshot " + snapshot.snapshotId(), e);
    }
  }
}
