package io.lakebeam.contextpackages;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The difference between two versions of one package, as a JSON-ready map. */
final class PackageDiff {
  private PackageDiff() {}

  static Map<String, Object> of(ContextPackage from, ContextPackage to) {
    Set<String> before = new LinkedHashSet<>();
    from.citations().forEach(c -> before.add(c.chunkKey()));
    Set<String> after = new LinkedHashSet<>();
    to.citations().forEach(c -> after.add(c.chunkKey()));
    List<Map<String, Object>> added = new ArrayList<>();
    for (Citation c : to.citations()) {
      if (!before.contains(c.chunkKey())) {
        added.add(c.toMap());
      }
    }
    List<Map<String, Object>> removed = new ArrayList<>();
    for (Citation c : from.citations()) {
      if (!after.contains(c.chunkKey())) {
        removed.add(c.toMap());
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", from.name());
    m.put("topic", from.topic());
    m.put("from", ContextStore.summary(from));
    m.put("to", ContextStore.summary(to));
    m.put("same_content", from.contentHash().equals(to.contentHash()));
    m.put("text_changed", !from.text().equals(to.text()));
    m.put("spec_changed", !from.specHash().equals(to.specHash()));
    m.put("source_snapshot_changed", from.sourceSnapshotId() != to.sourceSnapshotId());
    m.put("model_changed", !from.model().equals(to.model()));
    m.put("token_count_delta", to.tokenCount() - from.tokenCount());
    m.put("citations_added", added);
    m.put("citations_removed", removed);
    m.put("citations_kept", to.citations().size() - added.size());
    return m;
  }
}
