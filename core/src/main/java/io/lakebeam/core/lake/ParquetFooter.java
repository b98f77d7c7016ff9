package io.lakebeam.core.lake;

import java.io.IOException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.DelegatingSeekableInputStream;

/**
 * Reads the footer of a Parquet file through an Iceberg {@link InputFile} (local or object
 * storage).
 */
public final class ParquetFooter {
  private ParquetFooter() {}

  public static ParquetMetadata read(InputFile file) throws IOException {
    try (ParquetFileReader reader = ParquetFileReader.open(new Adapter(file))) {
      return reader.getFooter();
    }
  }

  /** Adapts an Iceberg input file to Parquet's own input-file interface. */
  private static final class Adapter implements org.apache.parquet.io.InputFile {
    private final InputFile file;

    Adapter(InputFile file) {
      this.file = file;
    }

    @Override
    public long getLength() {
      return file.getLength();
    }

    @Override
    public org.apache.parquet.io.SeekableInputStream newStream() {
      SeekableInputStream in = file.newStream();
      return new DelegatingSeekableInputStream(in) {
        @Override
        public long getPos() throws IOException {
          return in.getPos();
        }

        @Override
        public void seek(long newPos) throws IOException {
          in.seek(newPos);
        }
      };
    }
  }
}
