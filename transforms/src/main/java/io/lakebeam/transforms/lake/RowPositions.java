package io.lakebeam.transforms.lake;

import static org.apache.beam.sdk.util.Preconditions.checkArgumentNotNull;

import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.values.Row;

/**
 * The two fields {@link Lake#read} adds to every row: the data file it was read from ({@code
 * _file}) and its position in that file ({@code _pos}), Iceberg's metadata columns. Together they
 * identify the row for {@link Lake#writeBackColumns}; {@link Lake#write} leaves them out.
 */
public final class RowPositions {
  /** The data file a row was read from (STRING). */
  public static final String FILE = "_file";

  /** The row's position in its data file (INT64). */
  public static final String POS = "_pos";

  private RowPositions() {}

  /** Whether {@code field} is one of the two position fields. */
  public static boolean isPositionField(String field) {
    return FILE.equals(field) || POS.equals(field);
  }

  /** Whether rows of {@code schema} carry their positions. */
  public static boolean present(Schema schema) {
    return schema.hasField(FILE) && schema.hasField(POS);
  }

  /** Fails with what to do when rows of {@code schema} do not carry their positions. */
  public static void require(Schema schema, String what) {
    if (!present(schema)) {
      throw new IllegalArgumentException(
          "Cannot "
              + what
              + ": the rows carry no "
              + FILE
              + "/"
              + POS
              + " fields; read them with Lake.read(lakehouse, collection), which adds them");
    }
  }

  /** A compact identity of the row: {@code <file>#<pos>}. */
  public static String rowId(Row row) {
    String file = checkArgumentNotNull(row.getString(FILE), "row without %s", FILE);
    return file + "#" + row.getInt64(POS);
  }
}
