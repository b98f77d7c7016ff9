package io.lakebeam.core.read;

import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.mapping.NameMappingParser;
import org.apache.iceberg.parquet.Parquet;

/**
 * Reads every row of one Parquet data file of a table, in file order, so that the n-th record is
 * the row at position n (Iceberg's {@code _pos}). Files written without Iceberg field ids (external
 * collections) are read through the table's name mapping.
 */
public final class DataFileReader {
  private DataFileReader() {}

  public static CloseableIterable<Record> read(Table table, String path, Schema projection) {
    return read(table, path, projection, -1, -1);
  }

  /**
   * Reads the rows of the row groups that start within {@code [start, start + length)} (byte
   * offsets, as in a Parquet footer), or the whole file when {@code start} is negative.
   */
  public static CloseableIterable<Record> read(
      Table table, String path, Schema projection, long start, long length) {
    Parquet.ReadBuilder builder =
        Parquet.read(table.io().newInputFile(path))
            .project(projection)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema));
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    if (mapping != null) {
      builder.withNameMapping(NameMappingParser.fromJson(mapping));
    }
    if (start >= 0) {
      builder.split(start, length);
    }
    return builder.build();
  }
}
