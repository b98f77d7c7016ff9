package io.lakebeam.core;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/** Seeded test rows: id, lang, year, text and a vector. */
public final class TestData {
  public static final String[] LANGS = {"en", "de", "fr"};

  private TestData() {}

  /** The schema the rows of {@link #insert} fit: id, lang, year, text, embedding. */
  public static java.util.Map<String, String> schema(int dim) {
    java.util.Map<String, String> s = new java.util.LinkedHashMap<>();
    s.put("id", "long");
    s.put("lang", "string");
    s.put("year", "int");
    s.put("text", "string");
    s.put("embedding", "float_vector(" + dim + ")");
    return s;
  }

  public static float[] vector(Random rnd, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) rnd.nextGaussian();
    }
    return v;
  }

  public static List<Float> boxed(float[] v) {
    List<Float> l = new ArrayList<>(v.length);
    for (float x : v) {
      l.add(x);
    }
    return l;
  }

  /** Inserts {@code n} rows with ids starting at {@code firstId}; returns their vectors. */
  public static List<float[]> insert(Collection c, int firstId, int n, int dim, long seed) {
    Random rnd = new Random(seed);
    List<float[]> vectors = new ArrayList<>();
    try (CollectionWriter w = c.newWriter()) {
      for (int i = 0; i < n; i++) {
        Record r = GenericRecord.create(c.schema());
        float[] v = vector(rnd, dim);
        vectors.add(v);
        r.setField("id", (long) (firstId + i));
        r.setField("lang", LANGS[(firstId + i) % 3]);
        r.setField("year", 2010 + (firstId + i) % 15);
        r.setField("text", "row " + (firstId + i));
        r.setField("embedding", boxed(v));
        w.write(r);
      }
      w.commit();
    }
    return vectors;
  }

  /**
   * The share of {@code exact}'s ids that {@code got} also returns, over all queries. Graph search
   * is approximate and a multi-threaded build is not deterministic, so tests that compare a graph
   * with exact search bound its recall instead of asking for the same lists.
   */
  public static double recall(List<List<Long>> got, List<List<Long>> exact) {
    long hit = 0;
    long all = 0;
    for (int i = 0; i < exact.size(); i++) {
      java.util.Set<Long> want = new java.util.HashSet<>(exact.get(i));
      all += want.size();
      hit += got.get(i).stream().filter(want::contains).count();
    }
    return all == 0 ? 1.0 : (double) hit / all;
  }
}
