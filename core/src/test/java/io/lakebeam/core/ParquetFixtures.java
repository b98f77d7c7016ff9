package io.lakebeam.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** Plain Parquet files as another tool would write them: id, lang, year, text, embedding. */
public final class ParquetFixtures {
  private ParquetFixtures() {}

  public static Schema schema() {
    return new Schema(
        Types.NestedField.required(1, "id", Types.LongType.get()),
        Types.NestedField.optional(2, "lang", Types.StringType.get()),
        Types.NestedField.optional(3, "year", Types.IntegerType.get()),
        Types.NestedField.optional(4, "text", Types.StringType.get()),
        Types.NestedField.optional(
            5, "embedding", Types.ListType.ofRequired(6, Types.FloatType.get())));
  }

  /** The vector of row {@code i} of a file written with {@code seed}. */
  public static float[] vector(long seed, int i, int dim) {
    Random rnd = new Random(seed * 1_000_003L + i);
    return TestData.vector(rnd, dim);
  }

  public static Path write(Path path, long firstId, int rows, int dim, long seed)
      throws IOException {
    Schema schema = schema();
    try (FileAppender<Record> w =
        Parquet.write(Files.localOutput(path.toFile()))
            .schema(schema)
            .createWriterFunc(GenericParquetWriter::buildWriter)
            .build()) {
      for (int i = 0; i < rows; i++) {
        long id = firstId + i;
        Record r = GenericRecord.create(schema);
        r.setField("id", id);
        r.setField("lang", TestData.LANGS[(int) (id % 3)]);
        r.setField("year", (int) (2010 + id % 15));
        r.setField("text", "row " + id);
        r.setField("embedding", TestData.boxed(vector(seed, i, dim)));
        w.add(r);
      }
    }
    return path;
  }
}
