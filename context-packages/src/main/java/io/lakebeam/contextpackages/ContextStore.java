package io.lakebeam.contextpackages;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.ColumnCache;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads context packages from a packages table: the latest or a given version, the list of
 * versions, and the difference between two versions. What a server holds to answer {@code
 * get_context} in milliseconds: the version index is built once per table snapshot and package
 * columns are kept in the column cache (data files never change).
 *
 * <pre>{@code
 * ContextStore store = ContextStore.of(lake);
 * Collection packages = lake.collection("context.packages");
 * ContextPackage latest = store.get(packages, "support-kb", "key rotation", null);
 * ContextPackage v3 = store.get(packages, "support-kb", "key rotation", 3);
 * Map<String, Object> diff = store.diff(packages, "support-kb", "key rotation", 2, 3);
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class ContextStore {
  private static final List<String> COLUMNS =
      List.copyOf(PackageTable.schema().keySet().stream().toList());

  private final ColumnCache cache;
  private final ConcurrentHashMap<String, PackageIndex> indexes = new ConcurrentHashMap<>();

  public ContextStore(ColumnCache cache) {
    this.cache = cache;
  }

  /** A store that shares the lakehouse's column cache. */
  public static ContextStore of(Lakehouse lake) {
    return new ContextStore(lake.indexes().columnCache());
  }

  /**
   * The package's version {@code version}, or its latest when null; NOT_FOUND naming what exists
   * when there is no such package, topic or version.
   */
  public ContextPackage get(Collection packages, String name, String topic, Integer version) {
    PackageIndex.Entry e = entry(packages, name, topic, version);
    return read(packages, e);
  }

  /** Every version of a package, oldest first: version, hashes, snapshot, tokens, build time. */
  public List<Map<String, Object>> versions(Collection packages, String name, String topic) {
    NavigableMap<Integer, PackageIndex.Entry> all = versionsOf(packages, name, topic);
    List<Map<String, Object>> out = new ArrayList<>();
    for (PackageIndex.Entry e : all.values()) {
      out.add(summary(read(packages, e)));
    }
    return out;
  }

  /** Package names in the table, and their topics. */
  public Map<String, List<String>> list(Collection packages) {
    PackageIndex index = index(packages);
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String n : index.names()) {
      out.put(n, index.topics(n));
    }
    return out;
  }

  /**
   * What changed from version {@code from} to version {@code to}: citations added and removed (by
   * document and character range), whether text, spec, snapshot or model changed, token counts.
   */
  public Map<String, Object> diff(
      Collection packages, String name, String topic, int from, int to) {
    ContextPackage a = get(packages, name, topic, from);
    ContextPackage b = get(packages, name, topic, to);
    return PackageDiff.of(a, b);
  }

  private NavigableMap<Integer, PackageIndex.Entry> versionsOf(
      Collection packages, String name, String topic) {
    PackageIndex index = index(packages);
    NavigableMap<Integer, PackageIndex.Entry> all = index.versions(name, topic);
    if (!all.isEmpty()) {
      return all;
    }
    if (index.topics(name).isEmpty()) {
      throw LakebeamException.notFound(
          "No context package '%s' in %s; packages there: %s. Build it with 'lakebeam context"
              + " build SPEC.yaml'",
          name, packages.name(), first(index.names()));
    }
    throw LakebeamException.notFound(
        "Context package '%s' has no topic '%s'; its topics: %s",
        name, topic, first(index.topics(name)));
  }

  private PackageIndex.Entry entry(
      Collection packages, String name, String topic, Integer version) {
    NavigableMap<Integer, PackageIndex.Entry> all = versionsOf(packages, name, topic);
    if (version == null) {
      return all.lastEntry().getValue();
    }
    PackageIndex.Entry e = all.get(version);
    if (e == null) {
      throw LakebeamException.notFound(
          "Context package '%s' topic '%s' has no version %d; its versions are %s",
          name, topic, version, all.keySet());
    }
    return e;
  }

  private PackageIndex index(Collection packages) {
    long snapshot = packages.snapshotId();
    PackageIndex idx = indexes.get(packages.name());
    if (idx == null || idx.snapshotId() != snapshot) {
      idx = PackageIndex.of(packages, cache);
      indexes.put(packages.name(), idx);
    }
    return idx;
  }

  private ContextPackage read(Collection packages, PackageIndex.Entry e) {
    Map<String, Object> cols = cache.columns(packages.table(), e.file(), COLUMNS);
    int pos = e.pos();
    Object builtAt = at(cols, "built_at", pos);
    return new ContextPackage(
        (String) at(cols, PackageTable.NAME, pos),
        (String) at(cols, PackageTable.TOPIC, pos),
        e.version(),
        (String) at(cols, "query", pos),
        (String) at(cols, "text", pos),
        ContextPackage.parseCitationsJson((String) at(cols, "citations", pos)),
        ((Number) at(cols, "token_count", pos)).intValue(),
        ((Number) at(cols, "retrieved", pos)).intValue(),
        ((Number) at(cols, "duplicates_dropped", pos)).intValue(),
        (String) at(cols, PackageTable.CONTENT_HASH, pos),
        (String) at(cols, "spec", pos),
        (String) at(cols, "spec_hash", pos),
        (String) at(cols, "source_collection", pos),
        (String) at(cols, "source_field", pos),
        ((Number) at(cols, "source_snapshot_id", pos)).longValue(),
        (String) at(cols, "model", pos),
        (String) at(cols, "tokenizer", pos),
        (String) at(cols, "build_id", pos),
        builtAt == null ? null : Instant.EPOCH.plus((Long) builtAt, ChronoUnit.MICROS));
  }

  private static Object at(Map<String, Object> cols, String column, int pos) {
    return ((Object[]) cols.get(column))[pos];
  }

  static Map<String, Object> summary(ContextPackage p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", p.version());
    m.put("content_hash", p.contentHash());
    m.put("spec_hash", p.specHash());
    m.put("source_snapshot_id", p.sourceSnapshotId());
    m.put("model", p.model());
    m.put("token_count", p.tokenCount());
    m.put("citations", p.citations().size());
    m.put("build_id", p.buildId());
    m.put("built_at", p.builtAt() == null ? null : p.builtAt().toString());
    return m;
  }

  private static List<String> first(List<String> names) {
    return names.size() <= 20 ? names : names.subList(0, 20);
  }
}
