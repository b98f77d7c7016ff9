package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakebeam anomalies}: multiscale by default, the others by --method. */
class AnomaliesCommandTest {
  private static final int DIM = 8;

  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  @Test
  void defaultMethodFlagsAnIsolatedRowAndAJunkGroup() throws Exception {
    String lake = dir.resolve("lake").toString();
    try (Lakehouse l = Lakehouse.open(lake)) {
      write(l.createCollection("t.v", schema(), Metric.COSINE, false));
    }

    Run run = run("anomalies", "t.v", "--lakehouse", lake, "--top-fraction", "0.05");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.err()).contains("Building the vector index of t.v.embedding first");
    assertThat(run.out()).contains("\"flagged_rows\"");
    try (Lakehouse l = Lakehouse.open(lake)) {
      Collection c = l.collection("t.v");
      Map<String, Boolean> flags = new LinkedHashMap<>();
      for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
        flags.put((String) r.getField("chunk_id"), (Boolean) r.getField("is_anomaly"));
      }
      assertThat(flags.get("far")).isTrue();
      // the six copies of one junk vector are each other's nearest neighbours, and still flagged
      for (int i = 0; i < 6; i++) {
        assertThat(flags.get("junk" + i)).as("junk" + i).isTrue();
      }
    }

    Run bad = run("anomalies", "t.v", "--lakehouse", lake, "--method", "lof");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err())
        .contains("Cannot score anomalies with method 'lof': use multiscale, knn or iforest");
  }

  /** 400 rows in four blobs, one far row, six near-copies of one junk vector between the blobs. */
  private static void write(Collection c) {
    Random rnd = new Random(3);
    Map<String, float[]> rows = new LinkedHashMap<>();
    for (int i = 0; i < 400; i++) {
      float[] v = new float[DIM];
      v[i % 4] = 5;
      rows.put(String.format("r%03d", i), noisy(v, rnd, 1.0));
    }
    float[] far = new float[DIM];
    far[6] = 5;
    rows.put("far", noisy(far, rnd, 0.5));
    float[] junk = {2, 2, 2, 2, 0, 0, 0, 0};
    for (int i = 0; i < 6; i++) {
      rows.put("junk" + i, noisy(junk, rnd, 0.01));
    }
    try (CollectionWriter w = c.newWriter()) {
      for (Map.Entry<String, float[]> e : rows.entrySet()) {
        Record r = GenericRecord.create(c.schema());
        r.setField("chunk_id", e.getKey());
        List<Float> boxed = new ArrayList<>();
        for (float x : e.getValue()) {
          boxed.add(x);
        }
        r.setField("embedding", boxed);
        w.write(r);
      }
      w.commit();
    }
  }

  private static float[] noisy(float[] centre, Random rnd, double sigma) {
    float[] v = centre.clone();
    for (int i = 0; i < DIM; i++) {
      v[i] += (float) (rnd.nextGaussian() * sigma);
    }
    return v;
  }

  private static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("chunk_id", "string not null");
    s.put("embedding", "float_vector(" + DIM + ")");
    return s;
  }

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }
}
