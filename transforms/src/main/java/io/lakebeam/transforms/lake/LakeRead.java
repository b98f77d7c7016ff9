package io.lakebeam.transforms.lake;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.TableState;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Reads a Lakebeam collection as Beam rows at one snapshot (the current one when the pipeline is
 * built), one data file per work item; see {@link Lake#read}. Each row also carries its data file
 * and position ({@link RowPositions}), and the schema names the collection it came from.
 */
public final class LakeRead extends PTransform<PBegin, PCollection<Row>> {
  private final transient Lakehouse lakehouse;
  private final String collection;
  private final List<String> columns;

  LakeRead(Lakehouse lakehouse, String collection, List<String> columns) {
    this.lakehouse = lakehouse;
    this.collection = collection;
    this.columns = columns;
  }

  /** Reads only these columns. Default: every column. */
  public LakeRead withColumns(String... names) {
    checkArgument(names.length > 0, "Cannot read no columns of %s", collection);
    return new LakeRead(lakehouse, collection, List.of(names));
  }

  @Override
  public PCollection<Row> expand(PBegin begin) {
    Collection c = lakehouse.collection(collection);
    List<String> selected =
        columns == null ? c.schema().columns().stream().map(f -> f.name()).toList() : columns;
    c.checkColumns(selected);
    LakeTarget source = LakeTarget.of(lakehouse, c.name());
    Schema schema =
        Schema.builder()
            .addFields(
                SchemaMapping.toBeam(c.schema().select(selected), c.vectorFields()).getFields())
            .addStringField(RowPositions.FILE)
            .addInt64Field(RowPositions.POS)
            .setOptions(source.toSchemaOptions())
            .build();
    TableState state = TableState.of(c.table());
    List<String> paths = state.paths();
    PCollection<String> files =
        paths.isEmpty()
            ? begin.apply("No data files", Create.empty(StringUtf8Coder.of()))
            : begin.apply("List data files", Create.of(paths).withCoder(StringUtf8Coder.of()));
    return files
        .apply("Spread files", Reshuffle.viaRandomKey())
        .apply(
            "Read data files",
            ParDo.of(new ReadFileFn(source, state.snapshotId(), selected, schema)))
        .setRowSchema(schema);
  }
}
