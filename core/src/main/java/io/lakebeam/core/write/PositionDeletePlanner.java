package io.lakebeam.core.write;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.iceberg.DeleteFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.deletes.PositionDelete;
import org.apache.iceberg.deletes.PositionDeleteWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

/** Finds the live rows whose key is in a set and writes position deletes that remove them. */
final class PositionDeletePlanner {
  private final Table table;
  private final TableState state;
  private final String keyColumn;
  private final Set<String> keys;
  private int deletedRows;

  PositionDeletePlanner(Table table, TableState state, String keyColumn, Set<String> keys) {
    this.table = table;
    this.state = state;
    this.keyColumn = keyColumn;
    this.keys = keys;
  }

  /** Rows the written delete files remove. */
  int deletedRows() {
    return deletedRows;
  }

  /** Writes one position delete file for every matching live row (none if nothing matches). */
  List<DeleteFile> writeDeletes() {
    Schema projection = table.schema().select(keyColumn);
    List<String> paths = new ArrayList<>(state.paths());
    paths.sort(String::compareTo);
    PositionDeleteWriter<Record> writer = null;
    try {
      for (String path : paths) {
        BitSet gone = state.deletedPositions(path);
        long pos = 0;
        try (CloseableIterable<Record> rows = DataFileReader.read(table, path, projection)) {
          for (Record r : rows) {
            Object key = r.getField(keyColumn);
            if (key != null
                && keys.contains(key.toString())
                && (gone == null || !gone.get((int) pos))) {
              if (writer == null) {
                writer = open();
              }
              writer.write(PositionDelete.<Record>create().set(path, pos, null));
              deletedRows++;
            }
            pos++;
          }
        }
      }
      if (writer == null) {
        return List.of();
      }
      writer.close();
      return List.of(writer.toDeleteFile());
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write position deletes for " + table.name(), e);
    }
  }

  private PositionDeleteWriter<Record> open() throws IOException {
    String location =
        table.locationProvider().newDataLocation("delete-" + UUID.randomUUID() + ".parquet");
    OutputFile out = table.io().newOutputFile(location);
    // No row data in the delete file: only (file_path, pos), which every engine reads.
    return Parquet.writeDeletes(out)
        .withSpec(table.spec())
        .setAll(table.properties())
        .overwrite()
        .buildPositionWriter();
  }
}
