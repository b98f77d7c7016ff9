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
    Parquet.ReadBuilder builder =
        Parquet.read(table.io().newInputFile(path))
            .project(projection)
            .createReaderFunc(
                fileSchema -> GenericParquetReaders.buildReader(projection, fileSchema));
    String mapping = table.properties().get(TableProperties.DEFAULT_NAME_MAPPING);
    if (mapping != null) {
      builder.withNameMapping(NameMappingParser.fromJson(mapping));
    }
    return builder.build();
  }
}
