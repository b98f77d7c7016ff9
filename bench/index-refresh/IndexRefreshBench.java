import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.DataFileReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;

/**
 * Index build and incremental refresh, through Lakebeam's own API on a lake table: full build of
 * the jVector index over an external collection, then 1% more rows arrive as a new Parquet file
 * and {@code refresh} indexes only them. Prints both times and the ratio (target: refresh < 5% of
 * a full build).
 *
 * <p>{@code bench/index_refresh.sh bench/data/corpus [fraction]}
 */
public class IndexRefreshBench {
  public static void main(String[] args) throws Exception {
    Path corpus = Paths.get(args[0]).toAbsolutePath();
    double fraction = args.length > 1 ? Double.parseDouble(args[1]) : 0.01;
    Path work = Files.createTempDirectory("lakebeam-refresh-bench");
    Path src = Files.createDirectories(work.resolve("src"));
    List<Path> parts;
    try (Stream<Path> s = Files.list(corpus)) {
      parts = s.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
    }
    for (Path p : parts) {
      Files.createSymbolicLink(src.resolve(p.getFileName()), p);
    }
    // src/ links to the corpus files: both directories are allowed sources
    List<String> roots = List.of(src.toString(), parts.get(0).getParent().toString());
    try (Lakehouse lake =
        Lakehouse.open(LakehouseConfig.of(work.resolve("lake").toString()).withAllowedSources(roots))) {
      ExternalFiles.Result reg =
          lake.createExternalCollection(
              "bench", src + "/*.parquet", Map.of("embedding", "float_vector(384)"), Metric.COSINE, true);
      Collection c = lake.collection("bench");
      long t0 = System.nanoTime();
      IndexService.BuildResult full = lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      double fullSeconds = (System.nanoTime() - t0) / 1e9;

      long deltaRows = Math.max(1, Math.round(reg.rows() * fraction));
      writeDelta(c, c.liveFiles().get(0).path().toString(), src.resolve("zz-delta.parquet"), deltaRows);
      long t1 = System.nanoTime();
      ExternalFiles.Result files = c.refreshExternal();
      IndexService.BuildResult refreshed = lake.indexes().refresh(c).get(0);
      double refreshSeconds = (System.nanoTime() - t1) / 1e9;

      System.out.printf(
          "{\"rows\": %d, \"full_build_s\": %.3f, \"full_vectors_per_s\": %.0f, \"delta_rows\": %d,"
              + " \"refresh_s\": %.3f, \"refresh_mode\": \"%s\", \"refresh_segments\": %d,"
              + " \"refresh_over_full\": %.4f, \"added_files\": %d}%n",
          full.rowsIndexed(), fullSeconds, full.rowsIndexed() / fullSeconds, deltaRows, refreshSeconds,
          refreshed.mode(), refreshed.segments(), refreshSeconds / fullSeconds, files.addedFiles());
      System.out.printf(
          "Full build: %d vectors in %.1f s (%.0f vectors/s). Refresh after +%d rows (%.1f%%): %.2f s"
              + " = %.2f%% of a full build (target < 5%%): %s%n",
          full.rowsIndexed(), fullSeconds, full.rowsIndexed() / fullSeconds, deltaRows, 100 * fraction,
          refreshSeconds, 100 * refreshSeconds / fullSeconds,
          refreshSeconds / fullSeconds < 0.05 ? "PASS" : "MISS");
    }
  }

  /** New rows as a new Parquet file: copies of the first rows of a corpus file under new ids. */
  private static void writeDelta(Collection c, String from, Path to, long rows) throws Exception {
    Schema schema = c.schema();
    try (CloseableIterable<Record> in = DataFileReader.read(c.table(), from, schema);
        FileAppender<Record> out =
            Parquet.write(org.apache.iceberg.Files.localOutput(to.toFile()))
                .schema(schema)
                .createWriterFunc(GenericParquetWriter::buildWriter)
                .build()) {
      long n = 0;
      for (Record r : in) {
        if (n >= rows) {
          break;
        }
        Record copy = GenericRecord.create(schema);
        for (int i = 0; i < schema.columns().size(); i++) {
          copy.set(i, r.get(i));
        }
        if (schema.findField("id") != null) {
          copy.setField("id", 10_000_000L + n);
        }
        out.add(copy);
        n++;
      }
    }
  }
}
