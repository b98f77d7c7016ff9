package io.lakebeam.core.read;

import io.lakebeam.core.lake.ParquetFooter;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.io.FileIO;
import org.apache.parquet.hadoop.metadata.BlockMetaData;

/**
 * Where each row group of a Parquet data file starts (bytes, as split offsets) and which rows it
 * holds, from the file's footer: enough to read the row group that holds a given position.
 *
 * @param starts the first byte of each row group
 * @param lengths the compressed bytes of each row group
 * @param firstRows the position of each row group's first row
 * @param rowCount the rows of the file
 */
record RowGroupLayout(long[] starts, long[] lengths, long[] firstRows, long rowCount) {
  static RowGroupLayout read(FileIO io, String path) throws IOException {
    List<BlockMetaData> blocks = ParquetFooter.read(io.newInputFile(path)).getBlocks();
    int n = blocks.size();
    long[] starts = new long[n];
    long[] lengths = new long[n];
    long[] firstRows = new long[n];
    long row = 0;
    for (int g = 0; g < n; g++) {
      BlockMetaData b = blocks.get(g);
      starts[g] = b.getStartingPos();
      lengths[g] = b.getCompressedSize();
      firstRows[g] = row;
      row += b.getRowCount();
    }
    return new RowGroupLayout(starts, lengths, firstRows, row);
  }

  int groups() {
    return starts.length;
  }

  /** The row group that holds {@code pos}. */
  int groupOf(long pos) {
    int i = Arrays.binarySearch(firstRows, pos);
    return i >= 0 ? i : -i - 2;
  }

  long rowsIn(int group) {
    return (group + 1 < firstRows.length ? firstRows[group + 1] : rowCount) - firstRows[group];
  }
}
