package io.lakebeam.transforms.lake;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.FieldType;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.lake.VectorField;
import io.lakebeam.core.write.ColumnRewrite;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.GroupByKey;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.CoGroupByKey;
import org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.iceberg.types.Type;

/**
 * Writes computed fields back as columns of the table the rows were read from; see {@link
 * Lake#writeBackColumns}. Every live data file of the table's current snapshot (when the pipeline
 * is built) is rewritten with the values of its rows, then one Iceberg transaction adds the new
 * columns and swaps the files. The output is one summary row.
 *
 * <p>The commit also records where each new file's rows come from ({@link
 * io.lakebeam.core.write.RewriteLineage}), so the next index refresh re-points the collection's
 * vector indexes to the new files instead of re-indexing them (unless this write-back replaces an
 * indexed vector column).
 */
public final class WriteBackColumns extends PTransform<PCollection<Row>, PCollection<Row>> {
  /** The summary row of a write-back. */
  public static final Schema SUMMARY =
      Schema.builder()
          .addStringField("collection")
          .addInt64Field("snapshot_id")
          .addInt64Field("base_snapshot_id")
          .addInt32Field("rewritten_files")
          .addInt64Field("rows_with_values")
          .addStringField("columns")
          .addStringField("added_columns")
          .addBooleanField("already_committed")
          .build();

  private final transient Lakehouse lakehouse;
  private final String collection;

  WriteBackColumns(Lakehouse lakehouse, String collection) {
    this.lakehouse = lakehouse;
    this.collection = collection;
  }

  @Override
  public PCollection<Row> expand(PCollection<Row> rows) {
    Schema in = rows.getSchema();
    RowPositions.require(in, "write columns back into " + collection);
    Collection table = lakehouse.collection(collection);
    Map<String, Type> columns = new LinkedHashMap<>();
    Map<String, String> properties = new HashMap<>();
    List<Schema.Field> written = new ArrayList<>();
    for (Schema.Field f : in.getFields()) {
      boolean exists = table.schema().findField(f.getName()) != null;
      if (RowPositions.isPositionField(f.getName()) || (exists && !ComputedColumns.isComputed(f))) {
        continue;
      }
      FieldType type = FieldType.parse(SchemaMapping.columnType(f));
      columns.put(f.getName(), type.icebergType());
      written.add(f.withNullable(true));
      if (type.dimension() > 0) {
        properties.putAll(vectorProperties(table, f, type.dimension()));
      }
    }
    if (columns.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot write columns back into "
              + collection
              + ": the rows have no computed field and no field the table lacks (fields: "
              + in.getFieldNames()
              + ")");
    }
    ColumnRewrite plan = ColumnRewrite.plan(table, columns);
    LakeTarget target = LakeTarget.of(lakehouse, table.name());
    Schema values = Schema.builder().addInt64Field(RowPositions.POS).addFields(written).build();
    List<String> names = List.copyOf(columns.keySet());

    PCollection<KV<String, Row>> byFile =
        rows.apply(
                "Key values by data file",
                MapElements.into(
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.rows()))
                    .via(r -> KV.of(r.getString(RowPositions.FILE), valuesOf(r, values, names))))
            .setCoder(
                KvCoder.of(StringUtf8Coder.of(), org.apache.beam.sdk.coders.RowCoder.of(values)));
    List<KV<String, Boolean>> baseFiles =
        plan.baseFiles().stream().map(p -> KV.of(p, true)).toList();
    PCollection<KV<String, Boolean>> files =
        rows.getPipeline()
            .apply(
                "List data files",
                Create.of(baseFiles)
                    .withCoder(KvCoder.of(StringUtf8Coder.of(), BooleanCoder.of())));
    List<Type> types = List.copyOf(columns.values());
    return KeyedPCollectionTuple.of(RewriteFileFn.VALUES, byFile)
        .and(RewriteFileFn.BASE_FILE, files)
        .apply("Group values by data file", CoGroupByKey.create())
        .apply("Rewrite data files", ParDo.of(new RewriteFileFn(target, plan, types)))
        .setCoder(KvCoder.of(StringUtf8Coder.of(), SerializedCoder.of(RewrittenFile.class)))
        .apply("Gather rewritten files", GroupByKey.create())
        .apply(
            "Commit columns",
            ParDo.of(new WriteBackCommitFn(target, plan, properties, "beam-" + UUID.randomUUID())))
        .setRowSchema(SUMMARY);
  }

  private static Row valuesOf(Row row, Schema values, List<String> names) {
    Row.Builder b = Row.withSchema(values).addValue(row.getInt64(RowPositions.POS));
    for (String n : names) {
      b.addValue(row.getValue(n));
    }
    return b.build();
  }

  private static Map<String, String> vectorProperties(Collection table, Schema.Field f, int dim) {
    VectorField existing = table.vectorFields().get(f.getName());
    String model = VectorOptions.model(f);
    if (existing != null) {
      if (model != null && existing.model() != null && !model.equals(existing.model())) {
        throw new IllegalArgumentException(
            String.format(
                "Cannot write vectors of model %s into '%s.%s': it holds vectors of %s; write them"
                    + " to a new field (e.g. %s_new) and search that field",
                model, table.name(), f.getName(), existing.model(), f.getName()));
      }
    }
    Metric metric = existing == null ? Metric.COSINE : existing.metric();
    return new VectorField(f.getName(), dim, metric, model).toProperties();
  }
}
