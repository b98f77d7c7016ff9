package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * A collection: one Iceberg table, with its vector columns described in the table's properties.
 *
 * <pre>{@code
 * Collection docs = lake.collection("docs");
 * VectorField embedding = docs.vectorField("embedding");   // dimension, metric, model
 * try (CollectionWriter w = docs.newWriter()) { w.write(record); w.commit(); }
 * }</pre>
 */
public final class Collection {
  private final Lakehouse lake;
  private final String name;
  private final Table table;
  // vector fields of the properties map they were parsed from: a search asks on every request
  private volatile ParsedFields parsedFields;

  private record ParsedFields(Map<String, String> properties, Map<String, VectorField> fields) {}

  Collection(Lakehouse lake, String name, Table table) {
    this.lake = lake;
    this.name = name;
    this.table = table;
  }

  public String name() {
    return name;
  }

  public Table table() {
    return table;
  }

  public Lakehouse lakehouse() {
    return lake;
  }

  public Schema schema() {
    return table.schema();
  }

  public boolean isExternal() {
    return "external".equals(table.properties().get(CollectionFactory.KIND));
  }

  /** The source pattern of an external collection, or null. */
  public String source() {
    return table.properties().get(CollectionFactory.SOURCE);
  }

  /** The current snapshot id, or -1 for an empty table. */
  public long snapshotId() {
    Snapshot s = table.currentSnapshot();
    return s == null ? -1 : s.snapshotId();
  }

  /** The vector fields, parsed once per version of the table's properties (read-only). */
  public Map<String, VectorField> vectorFields() {
    Map<String, String> properties = table.properties();
    ParsedFields p = parsedFields;
    if (p == null || p.properties() != properties) {
      p =
          new ParsedFields(
              properties,
              java.util.Collections.unmodifiableMap(VectorField.fromProperties(properties)));
      parsedFields = p;
    }
    return p.fields();
  }

  /** A vector field by name, or NOT_FOUND naming the vector fields that exist. */
  public VectorField vectorField(String field) {
    Map<String, VectorField> fields = vectorFields();
    if (field == null) {
      if (fields.size() == 1) {
        return fields.values().iterator().next();
      }
      throw LakebeamException.invalid(
          "Collection '%s' has %s vector fields %s: name one with 'field'",
          name, fields.isEmpty() ? "no" : fields.size(), fields.keySet());
    }
    VectorField f = fields.get(field);
    if (f == null) {
      throw LakebeamException.notFound(
          "Collection '%s' has no vector field '%s'; its vector fields are %s",
          name, field, fields.keySet());
    }
    return f;
  }

  /** Checks that every named column exists, or fails naming the columns that do. */
  public void checkColumns(List<String> columns) {
    for (String c : columns) {
      if (table.schema().findField(c) == null) {
        throw LakebeamException.notFound(
            "Collection '%s' has no column '%s'; its columns are %s",
            name, c, table.schema().columns().stream().map(Types.NestedField::name).toList());
      }
    }
  }

  /**
   * Records which model produced a vector column ({@code name@version}), in the table properties
   * beside its dimension and metric. Vectors of different models must not share a column: fails
   * with INVALID_ARGUMENT when the column already records another model.
   */
  public void recordVectorModel(String field, String model) {
    VectorField v = vectorField(field);
    if (model.equals(v.model())) {
      return;
    }
    if (v.model() != null) {
      throw LakebeamException.invalid(
          "Cannot write vectors of model %s into '%s.%s': it holds vectors of %s; write them to a"
              + " new column (e.g. %s_%s) and search that field",
          model, name, field, v.model(), field, model.replaceAll("[^A-Za-z0-9]+", "_"));
    }
    table.updateProperties().set(VectorField.PREFIX + field + ".model", model).commit();
  }

  /**
   * Drops a column (for example the old vector column after a model upgrade's cut-over): its index
   * and vector properties go with it. Earlier snapshots keep the column (time travel).
   */
  public void dropColumn(String column) {
    checkColumns(List.of(column));
    if (isExternal()) {
      throw LakebeamException.invalid(
          "Cannot drop column '%s' of external collection '%s': its Parquet files define it",
          column, name);
    }
    if (vectorFields().containsKey(column)) {
      boolean indexed =
          lake.indexes().describe(this).stream().anyMatch(d -> column.equals(d.get("field")));
      if (indexed) {
        lake.indexes().drop(this, column);
      }
      UpdateProperties props = table.updateProperties();
      table.properties().keySet().stream()
          .filter(k -> k.startsWith(VectorField.PREFIX + column + "."))
          .forEach(props::remove);
      props.commit();
    }
    table.updateSchema().deleteColumn(column).commit();
    lake.indexes().forget(name);
  }

  /** Reloads the table's metadata from the catalog, to see commits made by others. */
  public Collection refreshMetadata() {
    table.refresh();
    return this;
  }

  /** Opens a writer whose rows become one atomic commit. */
  public CollectionWriter newWriter() {
    if (isExternal()) {
      throw LakebeamException.invalid(
          "Cannot write to external collection '%s': add Parquet files under %s and call refresh",
          name, source());
    }
    return new CollectionWriter(this);
  }

  /** The data files of the current snapshot with their row counts, in a stable order. */
  public List<DataFile> liveFiles() {
    List<DataFile> files = new ArrayList<>();
    if (table.currentSnapshot() == null) {
      return files;
    }
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask t : tasks) {
        files.add(t.file());
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot plan files of " + name, e);
    }
    files.sort((a, b) -> a.path().toString().compareTo(b.path().toString()));
    return files;
  }

  /**
   * Re-lists an external collection's source and commits, in one snapshot, the files that appeared,
   * disappeared or changed in place (see {@link ExternalRefresh}). Files that did not change are
   * not read.
   */
  public ExternalFiles.Result refreshExternal() {
    if (!isExternal()) {
      return new ExternalFiles.Result(name, 0, 0, 0, List.of());
    }
    return ExternalRefresh.plan(this).commit();
  }

  /** A JSON-ready description: schema, vector fields, counts and indexes. */
  public Map<String, Object> describe() {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("collection", name);
    d.put("external", isExternal());
    if (isExternal()) {
      d.put("source", source());
    }
    d.put("location", table.location());
    d.put("snapshot_id", snapshotId());
    Snapshot s = table.currentSnapshot();
    Map<String, String> summary = s == null ? Map.of() : s.summary();
    d.put("row_count", Long.parseLong(summary.getOrDefault("total-records", "0")));
    d.put("file_count", Long.parseLong(summary.getOrDefault("total-data-files", "0")));
    Map<String, VectorField> vectors = vectorFields();
    List<Map<String, Object>> columns = new ArrayList<>();
    for (Types.NestedField f : table.schema().columns()) {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("name", f.name());
      VectorField v = vectors.get(f.name());
      c.put("type", FieldType.describe(f.type(), v == null ? 0 : v.dimension()));
      c.put("nullable", f.isOptional());
      columns.add(c);
    }
    d.put("schema", columns);
    Map<String, Object> vf = new LinkedHashMap<>();
    vectors.forEach(
        (k, v) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("dimension", v.dimension());
          m.put("metric", v.metric().wireName());
          m.put("model", v.model());
          vf.put(k, m);
        });
    d.put("vector_fields", vf);
    List<Map<String, Object>> indexes = new ArrayList<>(lake.indexes().describe(this));
    indexes.addAll(lake.textIndexes().describe(this)); // BM25 text indexes
    d.put("indexes", indexes);
    return d;
  }
}
