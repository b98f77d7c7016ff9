package io.lakebeam.core.index;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableMetadataParser;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a table's vector indexes hold on to, for table maintenance: the snapshots they were built on
 * (snapshot expiry keeps them), the index files they reference (orphan removal keeps them) and
 * which segment covers each data file (compaction only merges files of one segment, so the index
 * can be carried over to the merged files).
 *
 * <pre>{@code
 * Set<Long> pinned = IndexReferences.pinnedSnapshots(table);
 * Set<String> keep = IndexReferences.referencedFiles(table, cutoffMillis);
 * }</pre>
 */
public final class IndexReferences {
  private static final Logger LOG = LoggerFactory.getLogger(IndexReferences.class);

  private IndexReferences() {}

  /** The snapshot each index in force was built on or refreshed to, by field. */
  public static Map<String, Long> pinnedSnapshots(Table table) {
    Map<String, Long> out = new TreeMap<>();
    table
        .properties()
        .forEach(
            (k, v) -> {
              if (k.startsWith(IndexRegistry.PREFIX) && k.endsWith(".snapshot-id")) {
                String field =
                    k.substring(
                        IndexRegistry.PREFIX.length(), k.length() - ".snapshot-id".length());
                try {
                  out.put(field, Long.parseLong(v));
                } catch (NumberFormatException e) {
                  LOG.warn("Ignoring unreadable index pin {}={} of {}", k, v, table.name());
                }
              }
            });
    return out;
  }

  /**
   * The index manifests (Puffin files) and the segment files they name, of every manifest that was
   * in force at some time since {@code sinceMillis}: a server that loaded one of them may still be
   * searching it, so its files are not orphans yet. Older metadata versions are read from the
   * table's metadata log.
   */
  public static Set<String> referencedFiles(Table table, long sinceMillis) {
    Set<String> manifests = new HashSet<>(manifestsInForce(table.properties()));
    TableMetadata current =
        table instanceof org.apache.iceberg.HasTableOperations ops
            ? ops.operations().current()
            : null;
    List<TableMetadata.MetadataLogEntry> log =
        current == null ? List.of() : current.previousFiles();
    for (int i = 0; i < log.size(); i++) {
      // version i was in force until the next one replaced it
      long replacedAt =
          i + 1 < log.size() ? log.get(i + 1).timestampMillis() : current.lastUpdatedMillis();
      if (replacedAt < sinceMillis) {
        continue;
      }
      try {
        manifests.addAll(
            manifestsInForce(TableMetadataParser.read(table.io(), log.get(i).file()).properties()));
      } catch (RuntimeException e) {
        LOG.debug("Metadata file {} is gone: {}", log.get(i).file(), e.getMessage());
      }
    }
    Set<String> out = new HashSet<>(manifests);
    for (String path : manifests) {
      IndexManifest m;
      try {
        // by path, not by field name: a manifest of a renamed or older-named field still counts
        m = IndexRegistry.read(table, path, null);
      } catch (RuntimeException e) {
        LOG.warn("Cannot read index manifest {}: its files are kept", path);
        continue;
      }
      for (IndexManifest.SegmentRef s : m.segments()) {
        out.add(s.graphPath());
        out.add(s.rowsPath());
        if (s.pqPath() != null) {
          out.add(s.pqPath());
        }
      }
    }
    return out;
  }

  /**
   * A key per data file of the current snapshot naming the segment that covers it in each index
   * ({@code "embedding=2"}, {@code "-"} when no index covers it); files with equal keys can be
   * merged without splitting a segment.
   */
  public static Map<String, String> segmentKeys(Table table) {
    Map<String, String> out = new LinkedHashMap<>();
    List<String> fields = new ArrayList<>(pinnedSnapshots(table).keySet());
    for (String field : fields) {
      IndexManifest m = IndexRegistry.find(table, field).orElse(null);
      if (m == null) {
        continue;
      }
      for (int s = 0; s < m.segments().size(); s++) {
        for (String f : m.segments().get(s).files()) {
          out.merge(f, field + "=" + s, (a, b) -> a + "," + b);
        }
      }
    }
    return out;
  }

  private static List<String> manifestsInForce(Map<String, String> properties) {
    List<String> out = new ArrayList<>();
    properties.forEach(
        (k, v) -> {
          if (k.startsWith(IndexRegistry.PREFIX) && k.endsWith(".manifest")) {
            out.add(v);
          }
        });
    return out;
  }
}
