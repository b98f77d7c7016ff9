package io.lakebeam.core.read;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.Consumer;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Reads the rows a reader sees at one snapshot: the live data files, without position-deleted rows.
 *
 * <pre>{@code
 * TableState state = TableState.of(table);
 * List<Record> rows = LiveRows.readAll(table, state, table.schema().select("doc_id", "uri"));
 * }</pre>
 */
public final class LiveRows {
  private LiveRows() {}

  /** Receives a live row with its position in the data file (Iceberg's {@code _pos}). */
  @FunctionalInterface
  public interface PositionedRow {
    void accept(long position, Record row);
  }

  /** Calls {@code action} with each live row of one data file (records are reused: copy them). */
  public static void forEachInFile(
      Table table, TableState state, String path, Schema projection, Consumer<Record> action) {
    forEachInFile(table, state, path, projection, (pos, r) -> action.accept(r));
  }

  /** Like {@link #forEachInFile(Table, TableState, String, Schema, Consumer)}, with positions. */
  public static void forEachInFile(
      Table table, TableState state, String path, Schema projection, PositionedRow action) {
    BitSet deleted = state.deletedPositions(path);
    long pos = 0;
    try (CloseableIterable<Record> records = DataFileReader.read(table, path, projection)) {
      for (Record r : records) {
        if (deleted == null || !deleted.get((int) pos)) {
          action.accept(pos, r);
        }
        pos++;
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read " + path + " of " + table.name(), e);
    }
  }

  /** Every live row of the snapshot, copied. Meant for small tables or projections. */
  public static List<Record> readAll(Table table, TableState state, Schema projection) {
    List<Record> out = new ArrayList<>();
    for (String path : state.paths()) {
      forEachInFile(table, state, path, projection, r -> out.add(r.copy()));
    }
    return out;
  }
}
