package io.lakebeam.transforms.curation;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * A seeded table {@code t.vectors (chunk_id, embedding float_vector(32))} that looks like a corpus
 * of embeddings: about 8,500 background rows in 144 Gaussian clusters of varied sizes (lognormal, 8
 * to several hundred rows), grouped in 12 topics around one common direction (embeddings share a
 * mean), all unit-normalised; plus 20 isolated outliers (random directions, {@code iso*} ids) and
 * five junk groups of 5, 10, 20, 35 and 50 near-identical rows each ({@code junkG-*}), placed amid
 * the topics (as embeddings of gibberish land), not far from them. The background is larger than
 * the index's exact-search shortcut (8,192 rows), so the graph is searched.
 */
final class AnomalyTestData {
  static final int DIM = 32;
  static final int[] GROUPS = {5, 10, 20, 35, 50};
  static final int ISOLATED = 20;

  /** Planted kind of each row id: 0 background, 1 isolated outlier, 2 junk group. */
  final Map<String, Integer> kind = new LinkedHashMap<>();

  final Map<String, float[]> vectors = new LinkedHashMap<>();

  static AnomalyTestData create(Lakehouse lake, long seed) {
    AnomalyTestData d = new AnomalyTestData();
    Random rnd = new Random(seed);
    float[] mean = gaussian(rnd, 1);
    scale(mean, 1.5 / norm(mean));
    int topics = 12;
    int clusters = 12;
    double[] weights = new double[topics * clusters];
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      weights[i] = Math.exp(rnd.nextGaussian());
      total += weights[i];
    }
    int j = 0;
    for (int t = 0; t < topics; t++) {
      float[] topic = plus(mean, gaussian(rnd, 0.25));
      for (int c = 0; c < clusters; c++, j++) {
        float[] centre = plus(topic, gaussian(rnd, 0.12));
        double spread = 0.06 + 0.09 * rnd.nextDouble();
        int size = Math.max(8, (int) (weights[j] / total * 8_400));
        for (int i = 0; i < size; i++) {
          d.add(String.format("t%02dc%02dr%03d", t, c, i), plus(centre, gaussian(rnd, spread)), 0);
        }
      }
    }
    for (int i = 0; i < ISOLATED; i++) {
      d.add(String.format("iso%02d", i), gaussian(rnd, 1), 1);
    }
    for (int size : GROUPS) {
      float[] centre = plus(mean, gaussian(rnd, 0.2));
      for (int i = 0; i < size; i++) {
        d.add(String.format("junk%d-%02d", size, i), plus(centre, gaussian(rnd, 0.05)), 2);
      }
    }
    Collection c = lake.createCollection("t.vectors", schema(), Metric.COSINE, false);
    try (CollectionWriter w = c.newWriter()) {
      for (Map.Entry<String, float[]> e : d.vectors.entrySet()) {
        Record r = GenericRecord.create(c.schema());
        r.setField("chunk_id", e.getKey());
        r.setField("embedding", CurationTestData.boxed(e.getValue()));
        w.write(r);
      }
      w.commit();
    }
    return d;
  }

  static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("chunk_id", "string not null");
    s.put("embedding", "float_vector(" + DIM + ")");
    return s;
  }

  /**
   * ROC AUC of {@code score} with the rows of {@code positive} kind as positives and the background
   * as negatives (ties count half): the chance that a planted row outscores a background row.
   */
  double auc(Map<String, Double> score, int positive) {
    double wins = 0;
    long pairs = 0;
    for (Map.Entry<String, Integer> p : kind.entrySet()) {
      if (p.getValue() != positive) {
        continue;
      }
      double s = score.get(p.getKey());
      for (Map.Entry<String, Integer> n : kind.entrySet()) {
        if (n.getValue() == 0) {
          double t = score.get(n.getKey());
          wins += s > t ? 1 : s == t ? 0.5 : 0;
          pairs++;
        }
      }
    }
    return wins / pairs;
  }

  private void add(String id, float[] v, int k) {
    scale(v, 1 / norm(v));
    vectors.put(id, v);
    kind.put(id, k);
  }

  private static float[] gaussian(Random rnd, double sigma) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (float) (rnd.nextGaussian() * sigma);
    }
    return v;
  }

  private static float[] plus(float[] a, float[] b) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = a[i] + b[i];
    }
    return v;
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += x * x;
    }
    return Math.sqrt(s);
  }

  private static void scale(float[] v, double f) {
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (v[i] * f);
    }
  }
}
