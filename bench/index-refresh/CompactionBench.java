import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.IndexService;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.maintain.Compaction;
import io.lakebeam.core.read.DataFileReader;
import io.lakebeam.core.read.TableState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

/**
 * Compaction of many small files ({@code lakebeam maintain compact}), through Lakebeam's own API:
 * seeded Gaussian vectors appended in {@code files} small commits, a full index build, then a
 * compaction into one file followed by the index refresh that carries the graph over. Prints the
 * compaction time, the carry-over time against the full build, search p50 before and after, and
 * checks that searches return the same ids.
 *
 * <p>{@code bench/maintain_compact.sh [rows] [dim] [files]}
 */
public class CompactionBench {
  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path work = Files.createTempDirectory("lakebeam-compaction-bench");
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
            r.setField("id", id);
            r.setField("embedding", vector(rnd, dim));
            w.write(r);
          }
          w.commit();
        }
      }
      c.refreshMetadata();
      long t = System.nanoTime();
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      double build = (System.nanoTime() - t) / 1e9;
      float[][] q = new float[200][];
      for (int i = 0; i < q.length; i++) {
        q[i] = toArray(vector(rnd, dim));
      }
      List<List<Long>> before = ids(lake, c, q);
      double p50Before = p50(lake, c, q);
      long bytesBefore =
          TableState.of(c.table()).files().values().stream().mapToLong(f -> f.fileSizeInBytes()).sum();

      t = System.nanoTime();
      Compaction.Result r = Compaction.of(c).withIndexRefresh(false).run();
      double compact = (System.nanoTime() - t) / 1e9;
      t = System.nanoTime();
      IndexService.BuildResult refresh = lake.indexes().refresh(c.refreshMetadata()).get(0);
      double carry = (System.nanoTime() - t) / 1e9;

      double p50After = p50(lake, c, q);
      boolean same = ids(lake, c, q).equals(before);
      System.out.printf(
          "rows %,d dim %d: %d files (%,d bytes) -> %d (%,d bytes) in %.2f s%n",
          rows, dim, r.filesRewritten(), bytesBefore, r.filesWritten(), r.bytesWritten(), compact);
      System.out.printf(
          "index: full build %.2f s; refresh after compaction %.2f s (mode %s, %,d rows carried,"
              + " %,d built) = %.2f%% of a build%n",
          build, carry, refresh.mode(), refresh.rowsCarried(), refresh.rowsBuilt(), 100 * carry / build);
      System.out.printf(
          "search p50 (k=10, one query): %.3f ms before, %.3f ms after; same ids: %s%n",
          p50Before, p50After, same);
    }
  }

  private static List<Float> vector(Random rnd, int dim) {
    List<Float> v = new ArrayList<>(dim);
    for (int i = 0; i < dim; i++) {
      v.add((float) rnd.nextGaussian());
    }
    return v;
  }

  private static float[] toArray(List<Float> v) {
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  private static double p50(Lakehouse lake, Collection c, float[][] q) {
    for (float[] v : q) {
      lake.indexes().search(c, new SearchRequest(null, new float[][] {v}, 10, 0, null));
    }
    double[] ms = new double[q.length];
    for (int i = 0; i < q.length; i++) {
      long t = System.nanoTime();
      lake.indexes().search(c, new SearchRequest(null, new float[][] {q[i]}, 10, 0, null));
      ms[i] = (System.nanoTime() - t) / 1e6;
    }
    Arrays.sort(ms);
    return ms[ms.length / 2];
  }

  private static List<List<Long>> ids(Lakehouse lake, Collection c, float[][] q) {
    List<List<Long>> out = new ArrayList<>();
    Map<String, List<Long>> idsByFile = new java.util.HashMap<>();
    for (List<SearchHit> hits :
        lake.indexes().search(c, new SearchRequest(null, q, 10, 0, null))) {
      List<Long> ids = new ArrayList<>();
      for (SearchHit h : hits) {
        List<Long> fileIds =
            idsByFile.computeIfAbsent(
                h.file(),
                f -> {
                  List<Long> all = new ArrayList<>();
                  try (CloseableIterable<Record> in =
                      DataFileReader.read(c.table(), f, c.schema().select("id"))) {
                    in.forEach(r -> all.add((Long) r.getField("id")));
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  return all;
                });
        ids.add(fileIds.get((int) h.pos()));
      }
      out.add(ids);
    }
    return out;
  }
}
