package io.lakebeam.contextpackages;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.read.ColumnCache;
import io.lakebeam.core.read.TableState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.Table;

/**
 * Where each version of each package is in the packages table at one snapshot: (name, topic) to
 * version to data file and position. Built once per snapshot from the key columns; immutable.
 */
final class PackageIndex {
  private static final List<String> KEY_COLUMNS =
      List.of(
          PackageTable.NAME,
          PackageTable.TOPIC,
          PackageTable.VERSION,
          PackageTable.CONTENT_HASH,
          "build_id");

  /** One stored version. */
  record Entry(int version, String file, int pos, String contentHash, String buildId) {}

  private record Key(String name, String topic) {}

  private final long snapshotId;
  private final Map<Key, NavigableMap<Integer, Entry>> versions;
  private final Map<String, TreeSet<String>> topics;

  private PackageIndex(
      long snapshotId,
      Map<Key, NavigableMap<Integer, Entry>> versions,
      Map<String, TreeSet<String>> topics) {
    this.snapshotId = snapshotId;
    this.versions = versions;
    this.topics = topics;
  }

  /** Indexes the table's current snapshot, reading key columns without a cache. */
  static PackageIndex of(Collection packages) {
    return of(packages, new ColumnCache(64L << 20));
  }

  static PackageIndex of(Collection packages, ColumnCache cache) {
    Table table = packages.table();
    TableState state = TableState.of(table);
    Map<Key, NavigableMap<Integer, Entry>> versions = new HashMap<>();
    Map<String, TreeSet<String>> topics = new HashMap<>();
    for (String file : state.paths()) {
      Map<String, Object> cols = cache.columns(table, file, KEY_COLUMNS);
      Object[] names = (Object[]) cols.get(PackageTable.NAME);
      Object[] tops = (Object[]) cols.get(PackageTable.TOPIC);
      Object[] vers = (Object[]) cols.get(PackageTable.VERSION);
      Object[] hashes = (Object[]) cols.get(PackageTable.CONTENT_HASH);
      Object[] builds = (Object[]) cols.get("build_id");
      for (int pos = 0; pos < names.length; pos++) {
        if (state.isDeleted(file, pos)) {
          continue;
        }
        Key k = new Key((String) names[pos], (String) tops[pos]);
        int v = ((Number) vers[pos]).intValue();
        versions
            .computeIfAbsent(k, x -> new TreeMap<>())
            .put(v, new Entry(v, file, pos, (String) hashes[pos], (String) builds[pos]));
        topics.computeIfAbsent(k.name(), x -> new TreeSet<>()).add(k.topic());
      }
    }
    return new PackageIndex(state.snapshotId(), versions, topics);
  }

  long snapshotId() {
    return snapshotId;
  }

  /** The latest version of a package, or null. */
  Entry latest(String name, String topic) {
    NavigableMap<Integer, Entry> v = versions.get(new Key(name, topic));
    return v == null ? null : v.lastEntry().getValue();
  }

  /** Every version of a package, oldest first (empty when none). */
  NavigableMap<Integer, Entry> versions(String name, String topic) {
    return versions.getOrDefault(new Key(name, topic), new TreeMap<>());
  }

  /** Package names, sorted. */
  List<String> names() {
    return topics.keySet().stream().sorted().toList();
  }

  /** Topics of a package name, sorted (empty when none). */
  List<String> topics(String name) {
    return List.copyOf(topics.getOrDefault(name, new TreeSet<>()));
  }
}
