package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * The source snapshots that stored context packages pin: every version of every package, in every
 * packages table of a lakehouse (a collection with the packages table's columns), so snapshot
 * expiry keeps them and each version can still be rebuilt bit for bit.
 *
 * <pre>{@code
 * Map<String, Set<Long>> pins = PackagePins.of(lake); // source collection -> snapshot ids
 * SnapshotExpiry.of(chunks).withPins(pins.getOrDefault(chunks.name(), Set.of())).run();
 * }</pre>
 */
public final class PackagePins {
  private static final String SOURCE = "source_collection";
  private static final String SNAPSHOT = "source_snapshot_id";

  private PackagePins() {}

  /** Pinned snapshot ids by source collection name. */
  public static Map<String, Set<Long>> of(Lakehouse lake) {
    Map<String, Set<Long>> pins = new TreeMap<>();
    for (String name : lake.listCollections()) {
      Collection c = lake.collection(name);
      if (isPackagesTable(c.schema())) {
        read(c, pins);
      }
    }
    return pins;
  }

  /** Whether a collection is a packages table ({@link PackageTable}'s columns). */
  static boolean isPackagesTable(Schema schema) {
    return schema.findField(SOURCE) != null
        && schema.findField(SNAPSHOT) != null
        && schema.findField(PackageTable.CONTENT_HASH) != null
        && schema.findField(PackageTable.VERSION) != null;
  }

  private static void read(Collection packages, Map<String, Set<Long>> pins) {
    TableState state = TableState.of(packages.table());
    Schema projection = packages.schema().select(SOURCE, SNAPSHOT);
    for (String path : state.paths()) {
      long pos = 0;
      try (CloseableIterable<Record> rows =
          DataFileReader.read(packages.table(), path, projection)) {
        for (Record r : rows) {
          Object source = r.getField(SOURCE);
          Object snapshot = r.getField(SNAPSHOT);
          if (!state.isDeleted(path, Math.toIntExact(pos)) && source != null && snapshot != null) {
            pins.computeIfAbsent(source.toString(), k -> new HashSet<>())
                .add(((Number) snapshot).longValue());
          }
          pos++;
        }
      } catch (IOException e) {
        throw LakebeamException.internal(
            "Cannot read the pinned snapshots of packages table " + packages.name(), e);
      }
    }
  }
}
