package io.lakebeam.xlang;

import io.lakebeam.transforms.lake.RowPositions;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.schemas.transforms.RenameFields;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * Renames the row-position fields of {@code Lake.read} ({@code _file}, {@code _pos}) to {@code
 * lakebeam_file} and {@code lakebeam_pos} on the way out of a Lakebeam transform, and back on the
 * way in: the Python SDK cannot build a row type with a field that starts with an underscore, so
 * the positions that lake_write_back and the curation transforms need would otherwise stop a Python
 * or YAML pipeline between two Lakebeam transforms.
 *
 * <pre>{@code
 * PCollection<Row> portable = PortableRowPositions.toPortable(rows); // lakebeam_file, lakebeam_pos
 * }</pre>
 */
final class PortableRowPositions {
  /** The portable name of {@link RowPositions#FILE}. */
  static final String FILE = "lakebeam_file";

  /** The portable name of {@link RowPositions#POS}. */
  static final String POS = "lakebeam_pos";

  private PortableRowPositions() {}

  /** {@code _file}/{@code _pos} become {@code lakebeam_file}/{@code lakebeam_pos}, if present. */
  static PCollection<Row> toPortable(PCollection<Row> rows) {
    return rename(rows, RowPositions.FILE, FILE, RowPositions.POS, POS, "Portable row positions");
  }

  /** {@code lakebeam_file}/{@code lakebeam_pos} become {@code _file}/{@code _pos}, if present. */
  static PCollection<Row> toJava(PCollection<Row> rows) {
    return rename(rows, FILE, RowPositions.FILE, POS, RowPositions.POS, "Java row positions");
  }

  private static PCollection<Row> rename(
      PCollection<Row> rows, String file, String toFile, String pos, String toPos, String step) {
    Schema schema = rows.getSchema();
    if (!schema.hasField(file) || !schema.hasField(pos)) {
      return rows;
    }
    PCollection<Row> renamed =
        rows.apply(step, RenameFields.<Row>create().rename(file, toFile).rename(pos, toPos));
    Schema out = renamed.getSchema();
    // keep the schema options (the collection the rows were read from) that RenameFields drops
    return renamed.setRowSchema(
        Schema.builder().addFields(out.getFields()).setOptions(schema.getOptions()).build());
  }
}
