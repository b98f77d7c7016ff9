package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.mapping.MappingUtil;
import org.apache.iceberg.mapping.NameMapping;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;

/** Creates managed and external collections as Iceberg tables. */
final class CollectionFactory {
  static final String KIND = "lakebeam.collection.kind";
  static final String SOURCE = "lakebeam.external.src";

  private CollectionFactory() {}

  static Collection create(
      Lakehouse lake,
      String name,
      Map<String, String> schemaMapping,
      Metric metric,
      boolean ifNotExists) {
    TableIdentifier id = Lakehouse.identifier(name);
    if (lake.catalog().tableExists(id)) {
      if (ifNotExists) {
        return lake.collection(name);
      }
      throw LakebeamException.alreadyExists(
          "Collection '%s' already exists; drop it first or pass if_not_exists", name);
    }
    if (schemaMapping == null || schemaMapping.isEmpty()) {
      throw LakebeamException.invalid(
          "Cannot create collection '%s' without a schema, e.g. {\"text\": \"string\","
              + " \"embedding\": \"float_vector(384)\"}",
          name);
    }
    List<Types.NestedField> fields = new ArrayList<>();
    Map<String, String> props = baseProperties("managed");
    int nextId = 1;
    for (Map.Entry<String, String> e : schemaMapping.entrySet()) {
      FieldType type = FieldType.parse(e.getValue());
      checkColumnName(e.getKey());
      fields.add(Types.NestedField.of(nextId++, !type.required(), e.getKey(), type.icebergType()));
      if (type.isVector()) {
        addVectorProperties(props, new VectorField(e.getKey(), type.dimension(), metric, null));
      }
    }
    Schema schema = freshSchema(fields);
    lake.ensureNamespace(id.namespace());
    Table table = lake.catalog().createTable(id, schema, PartitionSpec.unpartitioned(), props);
    return new Collection(lake, name, table);
  }

  static ExternalFiles.Result createExternal(
      Lakehouse lake,
      String name,
      String src,
      Map<String, String> schemaMapping,
      Metric metric,
      boolean strict) {
    TableIdentifier id = Lakehouse.identifier(name);
    if (lake.catalog().tableExists(id)) {
      throw LakebeamException.alreadyExists(
          "Collection '%s' already exists; use refresh to pick up new files, or drop it first",
          name);
    }
    String source = lake.sourceRoots().check(src);
    List<String> files = lake.sourceRoots().resolve(lake.io(), source);
    // The first file that reads as Parquet gives the columns; the mapping declares and checks
    // types.
    Schema fileSchema = null;
    List<ExternalFiles.Rejected> unreadable = new ArrayList<>();
    for (String f : files) {
      try {
        fileSchema = ExternalFiles.schemaOf(lake.io(), f);
        break;
      } catch (IOException | RuntimeException e) {
        unreadable.add(new ExternalFiles.Rejected(f, ExternalFiles.NOT_PARQUET));
      }
    }
    if (fileSchema == null) {
      throw LakebeamException.invalid(
          "Cannot register '%s': none of its %d files is a readable Parquet file (first: %s)",
          src, files.size(), unreadable.get(0).file());
    }
    Map<String, String> mapping = schemaMapping == null ? Map.of() : schemaMapping;
    Map<String, String> props = baseProperties("external");
    props.put(SOURCE, source);
    List<Types.NestedField> fields = new ArrayList<>();
    List<String> required = new ArrayList<>(mapping.keySet());
    Map<String, FieldType> declared = new LinkedHashMap<>();
    mapping.forEach(
        (col, type) -> {
          checkColumnName(col);
          declared.put(col, FieldType.parse(type));
        });
    for (String col : declared.keySet()) {
      if (fileSchema.findField(col) == null) {
        throw LakebeamException.invalid(
            "Cannot map column '%s': the files have no such column; their columns are %s",
            col, columnNames(fileSchema));
      }
    }
    int nextId = 1;
    for (Types.NestedField f : fileSchema.columns()) {
      FieldType type = declared.get(f.name());
      Type icebergType = f.type();
      if (type != null) {
        if (type.isVector() && !FieldType.isVectorCompatible(f.type())) {
          throw LakebeamException.invalid(
              "Cannot map column '%s' as %s: in the files it is %s, not a list of float32",
              f.name(), type, f.type());
        }
        if (!type.isVector() && !ExternalFiles.compatible(type.icebergType(), f.type())) {
          throw LakebeamException.invalid(
              "Cannot map column '%s' as %s: in the files it is %s", f.name(), type, f.type());
        }
        icebergType = type.isVector() ? FieldType.vectorType() : type.icebergType();
        if (type.isVector()) {
          addVectorProperties(props, new VectorField(f.name(), type.dimension(), metric, null));
        }
      } else if (!mapping.isEmpty()) {
        // Columns not named in the mapping are kept (they are filterable), as they are in the file.
        icebergType = f.type();
      }
      fields.add(Types.NestedField.optional(nextId++, f.name(), icebergType));
    }
    Schema schema = freshSchema(fields);
    for (Types.NestedField f : schema.columns()) {
      if (FieldType.isVectorCompatible(f.type())) {
        checkColumnName(f.name()); // vector columns name index properties
        required.add(f.name());
      }
    }
    NameMapping nameMapping = MappingUtil.create(schema);
    props.put(TableProperties.DEFAULT_NAME_MAPPING, NameMappingParser.toJson(nameMapping));

    List<DataFile> dataFiles = new ArrayList<>();
    List<ExternalFiles.Rejected> rejected = new ArrayList<>();
    MetricsConfig metricsConfig = MetricsConfig.fromProperties(props);
    for (String f : files) {
      Object r =
          ExternalFiles.toDataFile(lake.io(), f, schema, required, nameMapping, metricsConfig);
      if (r instanceof DataFile df) {
        dataFiles.add(df);
      } else {
        rejected.add((ExternalFiles.Rejected) r);
      }
    }
    if (dataFiles.isEmpty() || (strict && !rejected.isEmpty())) {
      throw LakebeamException.invalid(
          "Cannot register '%s': %d of %d files rejected, e.g. %s: %s%s",
          src,
          rejected.size(),
          files.size(),
          rejected.get(0).file(),
          rejected.get(0).reason(),
          strict ? " (strict mode: fix or remove the files, or register without strict)" : "");
    }
    VectorInference.addInferred(lake.io(), schema, nameMapping, dataFiles, props);
    lake.ensureNamespace(id.namespace());
    // One commit: the table, its properties and its files appear together or not at all, so a
    // crash or a failure leaves no half-made collection in the way of a second attempt.
    try {
      Transaction create =
          lake.catalog()
              .buildTable(id, schema)
              .withPartitionSpec(PartitionSpec.unpartitioned())
              .withProperties(props)
              .createTransaction();
      AppendFiles append = create.newAppend();
      dataFiles.forEach(append::appendFile);
      append.commit();
      create.commitTransaction();
    } catch (AlreadyExistsException e) {
      throw LakebeamException.alreadyExists(
          "Collection '%s' already exists (created concurrently); use refresh, or drop it first",
          name);
    }
    long rows = dataFiles.stream().mapToLong(DataFile::recordCount).sum();
    return new ExternalFiles.Result(name, dataFiles.size(), 0, rows, rejected);
  }

  static Map<String, String> baseProperties(String kind) {
    Map<String, String> props = new HashMap<>();
    props.put(TableProperties.FORMAT_VERSION, "2");
    props.put(KIND, kind);
    props.put(TableProperties.DEFAULT_WRITE_METRICS_MODE, "truncate(16)");
    // Row groups of 16 MiB rather than 128: a search's output fields read only the groups that
    // hold its hits (point reads), and writers buffer less.
    props.put(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, Long.toString(16L << 20));
    return props;
  }

  static void addVectorProperties(Map<String, String> props, VectorField field) {
    props.putAll(field.toProperties());
    // Per-element min/max of an embedding are noise in manifests: keep none.
    props.put(TableProperties.METRICS_MODE_COLUMN_CONF_PREFIX + field.name(), "none");
  }

  private static Schema freshSchema(List<Types.NestedField> fields) {
    // ids assigned on the struct, before a Schema indexes them: two vector columns would
    // otherwise both carry list element id 0 and collide
    Types.StructType fresh =
        (Types.StructType)
            TypeUtil.assignFreshIds(
                Types.StructType.of(fields),
                new java.util.concurrent.atomic.AtomicInteger(0)::incrementAndGet);
    return new Schema(fresh.fields());
  }

  /** Letters, digits, '_' and '-', not leading '_' or '-', at most 128 characters. */
  static final java.util.regex.Pattern COLUMN_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

  static void checkColumnName(String name) {
    if (name != null && name.startsWith("_")) {
      throw LakebeamException.invalid(
          "Cannot use column name '%s': names must not start with '_'"
              + " (reserved for _score, _distance, _file, _pos)",
          name);
    }
    if (name == null || !COLUMN_NAME.matcher(name).matches()) {
      throw LakebeamException.invalid(
          "Cannot use column name '%s': use 1 to 128 letters, digits, '_' and '-', starting with a"
              + " letter or digit (e.g. embedding_v2)",
          name);
    }
  }

  private static List<String> columnNames(Schema schema) {
    return schema.columns().stream().map(Types.NestedField::name).toList();
  }
}
