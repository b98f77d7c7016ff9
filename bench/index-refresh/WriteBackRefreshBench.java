import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.ColumnRewrite;
import io.lakebeam.core.write.RewriteLineage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;

/**
 * Index refresh after a column write-back, through Lakebeam's own API on a managed collection:
 * full build of the jVector index over seeded Gaussian vectors, then a copy-on-write write-back of
 * one int column (every data file rewritten, no vector changed), then {@code refresh}, which
 * carries the graphs over to the new files. Prints both times and the ratio (target: refresh < 5%
 * of a full build), and checks that searches return the same ids before and after. With {@code
 * fallback}, a second write-back whose lineage side file is deleted measures the old path (every
 * rewritten row re-indexed).
 *
 * <p>{@code bench/index_writeback.sh [rows] [dim] [files] [fallback]}
 */
public class WriteBackRefreshBench {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 384;
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    boolean fallback = args.length > 3 && args[3].equals("fallback");
    Path work = Files.createTempDirectory("lakebeam-writeback-bench");
    try (Lakehouse lake = Lakehouse.open(work.resolve("lake").toString())) {
      Map<String, String> schema = new LinkedHashMap<>();
      schema.put("id", "long");
      schema.put("embedding", "float_vector(" + dim + ")");
      Collection c = lake.createCollection("bench", schema, Metric.COSINE, false);
      Random rnd = new Random(42);
      for (int f = 0; f < files; f++) {
        try (CollectionWriter w = c.newWriter()) {
          for (long id = (long) f * rows / files; id < (long) (f + 1) * rows / files; id++) {
            Record r = GenericRecord.create(c.schema());
            List<Float> v = new ArrayList<>(dim);
            for (int i = 0; i < dim; i++) {
              v.add((float) rnd.nextGaussian());
            }
            r.setField("id", id);
            r.setField("embedding", v);
            w.write(r);
          }
          w.commit();
        }
      }
      c.refreshMetadata();
      float[][] queries = new float[20][dim];
      for (float[] q : queries) {
        for (int i = 0; i < dim; i++) {
          q[i] = (float) rnd.nextGaussian();
        }
      }

      long t0 = System.nanoTime();
      IndexService.BuildResult full =
          lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      double fullSeconds = (System.nanoTime() - t0) / 1e9;
      List<List<Long>> before = ids(lake, c, queries);

      long t1 = System.nanoTime();
      int rewritten = writeBack(c, "cluster_id");
      double writeBackSeconds = (System.nanoTime() - t1) / 1e9;

      long t2 = System.nanoTime();
      IndexService.BuildResult refreshed = lake.indexes().refresh(c).get(0);
      double refreshSeconds = (System.nanoTime() - t2) / 1e9;
      boolean same = ids(lake, c, queries).equals(before);

      System.out.printf(
          "{\"rows\": %d, \"dim\": %d, \"files\": %d, \"full_build_s\": %.3f,"
              + " \"write_back_s\": %.3f, \"rewritten_files\": %d, \"refresh_s\": %.3f,"
              + " \"refresh_mode\": \"%s\", \"rows_carried\": %d, \"rows_built\": %d,"
              + " \"refresh_over_full\": %.5f, \"same_ids\": %b}%n",
          full.rowsIndexed(), dim, files, fullSeconds, writeBackSeconds, rewritten,
          refreshSeconds, refreshed.mode(), refreshed.rowsCarried(), refreshed.rowsBuilt(),
          refreshSeconds / fullSeconds, same);
      System.out.printf(
          "Full build: %d x %d vectors in %.1f s. Write-back of one column (%d files rewritten):"
              + " %.1f s. Refresh after it: %.3f s (%s, %d rows carried, %d re-indexed) = %.3f%%"
              + " of a full build (target < 5%%): %s; same ids before/after: %b%n",
          full.rowsIndexed(), dim, fullSeconds, rewritten, writeBackSeconds, refreshSeconds,
          refreshed.mode(), refreshed.rowsCarried(), refreshed.rowsBuilt(),
          100 * refreshSeconds / fullSeconds,
          refreshSeconds / fullSeconds < 0.05 && refreshed.rowsBuilt() == 0 ? "PASS" : "MISS",
          same);

      if (fallback) {
        writeBack(c, "cluster_id_2");
        String lineage = c.table().currentSnapshot().summary().get(RewriteLineage.SUMMARY_KEY);
        c.table().io().deleteFile(lineage);
        long t3 = System.nanoTime();
        IndexService.BuildResult old = lake.indexes().refresh(c).get(0);
        double oldSeconds = (System.nanoTime() - t3) / 1e9;
        System.out.printf(
            "Refresh after a write-back without lineage (the previous behaviour): %.1f s (%s, %d"
                + " rows re-indexed) = %.1f%% of a full build%n",
            oldSeconds, old.mode(), old.rowsBuilt(), 100 * oldSeconds / fullSeconds);
      }
    } finally {
      try (var paths = Files.walk(work)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Writes {@code column} = id % 16 into every row (every data file is rewritten). */
  private static int writeBack(Collection c, String column) throws Exception {
    ColumnRewrite plan = ColumnRewrite.plan(c, Map.of(column, Types.IntegerType.get()));
    Map<String, DataFile> out = new HashMap<>();
    for (String path : plan.baseFiles()) {
      Map<Long, Object[]> values = new HashMap<>();
      long pos = 0;
      try (CloseableIterable<Record> in =
          DataFileReader.read(c.table(), path, c.schema().select("id"))) {
        for (Record r : in) {
          values.put(pos++, new Object[] {(int) ((Long) r.getField("id") % 16)});
        }
      }
      out.put(path, plan.rewrite(path, values));
    }
    plan.commit("bench-" + UUID.randomUUID(), out, Map.of());
    c.refreshMetadata();
    return out.size();
  }

  private static List<List<Long>> ids(Lakehouse lake, Collection c, float[][] queries)
      throws Exception {
    List<List<SearchHit>> hits =
        lake.indexes().search(c, new SearchRequest(null, queries, 10, 0, null));
    Map<String, long[]> idsByFile = new HashMap<>();
    for (String path : TableState.of(c.table()).paths()) {
      List<Long> ids = new ArrayList<>();
      try (CloseableIterable<Record> in =
          DataFileReader.read(c.table(), path, c.schema().select("id"))) {
        in.forEach(r -> ids.add((Long) r.getField("id")));
      }
      idsByFile.put(path, ids.stream().mapToLong(Long::longValue).toArray());
    }
    List<List<Long>> out = new ArrayList<>();
    for (List<SearchHit> h : hits) {
      out.add(h.stream().map(x -> idsByFile.get(x.file())[(int) x.pos()]).toList());
    }
    return out;
  }
}
