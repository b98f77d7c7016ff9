package io.lakebeam.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.iceberg.Files;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;

/** Writes the quickstart passages as ordinary Parquet files, as any lake job would have. */
final class SampleParquet {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.required(1, "id", Types.LongType.get()),
          Types.NestedField.optional(2, "text", Types.StringType.get()),
          Types.NestedField.optional(3, "source", Types.StringType.get()),
          Types.NestedField.optional(4, "words", Types.IntegerType.get()),
          Types.NestedField.optional(
              5, "embedding", Types.ListType.ofRequired(6, Types.FloatType.get())));

  private SampleParquet() {}

  static List<Path> write(
      Path dir, List<SampleCorpus.Passage> passages, float[][] vectors, int fileCount)
      throws IOException {
    java.nio.file.Files.createDirectories(dir);
    try (Stream<Path> old = java.nio.file.Files.list(dir)) {
      for (Path p : old.toList()) {
        java.nio.file.Files.delete(p);
      }
    }
    List<Path> out = new ArrayList<>();
    int per = (passages.size() + fileCount - 1) / fileCount;
    for (int f = 0; f * per < passages.size(); f++) {
      Path path = dir.resolve(String.format("part-%04d.parquet", f));
      try (FileAppender<Record> w =
          Parquet.write(Files.localOutput(path.toFile()))
              .schema(SCHEMA)
              .createWriterFunc(GenericParquetWriter::buildWriter)
              .build()) {
        for (int i = f * per; i < Math.min(passages.size(), (f + 1) * per); i++) {
          Record r = GenericRecord.create(SCHEMA);
          r.setField("id", (long) i);
          r.setField("text", passages.get(i).text());
          r.setField("source", passages.get(i).source());
          r.setField("words", passages.get(i).text().split(" ").length);
          List<Float> v = new ArrayList<>(vectors[i].length);
          for (float x : vectors[i]) {
            v.add(x);
          }
          r.setField("embedding", v);
          w.add(r);
        }
      }
      out.add(path);
    }
    return out;
  }
}
