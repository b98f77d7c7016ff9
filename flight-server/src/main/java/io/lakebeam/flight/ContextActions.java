package io.lakebeam.flight;

import io.lakebeam.contextpackages.ContextSpec;
import io.lakebeam.contextpackages.ContextStore;
import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The context-package actions: {@code get_context} (latest or a given version), {@code
 * diff_context} (two versions) and {@code list_context}. Packages are read from the packages table
 * through the server's column cache, so a repeated fetch never touches storage.
 */
final class ContextActions {
  private final Lakehouse lake;
  private final CollectionCache collections;
  private final ContextStore store;

  ContextActions(Lakehouse lake, CollectionCache collections) {
    this.lake = lake;
    this.collections = collections;
    this.store = ContextStore.of(lake);
  }

  Object run(String type, Json body) {
    Collection packages = packages(body.optString("table"));
    switch (type) {
      case "get_context":
        {
          Integer version = body.has("version") ? positive(body, "version") : null;
          return store.get(packages, body.string("name"), body.string("topic"), version).toMap();
        }
      case "diff_context":
        return store.diff(
            packages,
            body.string("name"),
            body.string("topic"),
            positive(body, "from"),
            positive(body, "to"));
      default:
        {
          if (body.has("topic")) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", body.string("name"));
            m.put("topic", body.string("topic"));
            m.put("versions", store.versions(packages, body.string("name"), body.string("topic")));
            return m;
          }
          Map<String, Object> all = new LinkedHashMap<>(Map.of("packages", store.list(packages)));
          if (body.has("name")) {
            all.put(
                "packages",
                Map.of(
                    body.string("name"),
                    store.list(packages).getOrDefault(body.string("name"), java.util.List.of())));
          }
          return all;
        }
    }
  }

  private static int positive(Json body, String key) {
    int v = body.optInt(key, 0);
    if (v < 1) {
      throw Errors.invalid("Cannot read the context request: '%s' must be a version >= 1", key);
    }
    return v;
  }

  private Collection packages(String table) {
    String name = table == null ? ContextSpec.DEFAULT_TABLE : table;
    if (!lake.hasCollection(name)) {
      throw LakebeamException.notFound(
          "No context packages in this lakehouse: table '%s' does not exist; build packages with"
              + " 'lakebeam context build SPEC.yaml' (or pass the spec's 'table')",
          name);
    }
    Collection c = collections.get(name);
    for (String column : io.lakebeam.contextpackages.PackageTable.schema().keySet()) {
      if (c.schema().findField(column) == null) {
        throw Errors.invalid(
            "Cannot read context packages from '%s': it is not a packages table (no column '%s');"
                + " pass the 'table' of a context spec, or leave it out for %s",
            name, column, ContextSpec.DEFAULT_TABLE);
      }
    }
    return c;
  }
}
