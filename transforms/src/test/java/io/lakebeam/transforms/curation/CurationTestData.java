package io.lakebeam.transforms.curation;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * A small seeded table {@code t.chunks (chunk_id, text, embedding float_vector(8))}: three blobs of
 * vectors, distinct texts, a few planted near-duplicates and outliers.
 */
final class CurationTestData {
  static final int DIM = 8;
  static final String[] WORDS =
      ("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho"
              + " sigma tau upsilon phi chi psi omega river stone cloud forest ember harbor lantern"
              + " meadow")
          .split(" ");

  final Map<String, String> texts = new LinkedHashMap<>();
  final Map<String, float[]> vectors = new LinkedHashMap<>();
  final Map<String, Integer> blob = new LinkedHashMap<>();

  /** Row ids c000..c059 in three blobs; c900 and c901 are far outliers. */
  static CurationTestData create(Lakehouse lake) {
    CurationTestData d = new CurationTestData();
    Random rnd = new Random(7);
    float[][] centres = new float[3][DIM];
    for (int b = 0; b < 3; b++) {
      centres[b][b] = 10;
    }
    for (int i = 0; i < 60; i++) {
      String id = String.format("c%03d", i);
      d.texts.put(id, sentence(rnd, 120));
      int b = i % 3;
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        v[j] = centres[b][j] + (float) rnd.nextGaussian() * 0.3f;
      }
      d.vectors.put(id, v);
      d.blob.put(id, b);
    }
    // near duplicates of c001 (one word changed, one word appended) and an exact copy of c002
    d.texts.put("c050", edit(d.texts.get("c001"), 20, "zzz"));
    d.texts.put("c051", d.texts.get("c001") + " appendix");
    d.texts.put("c052", d.texts.get("c002"));
    // a semantic duplicate: c053's vector is c004's, nudged
    float[] near = d.vectors.get("c004").clone();
    near[0] += 0.001f;
    d.vectors.put("c053", near);
    d.blob.put("c053", d.blob.get("c004"));
    for (String outlier : new String[] {"c900", "c901"}) {
      d.texts.put(outlier, sentence(rnd, 120));
      float[] v = new float[DIM];
      for (int j = 0; j < DIM; j++) {
        v[j] = (float) rnd.nextGaussian() * 12;
      }
      d.vectors.put(outlier, v);
    }
    d.write(lake.createCollection("t.chunks", schema(), Metric.COSINE, false));
    return d;
  }

  static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("chunk_id", "string not null");
    s.put("text", "string");
    s.put("embedding", "float_vector(" + DIM + ")");
    return s;
  }

  private void write(Collection c) {
    try (CollectionWriter w = c.newWriter()) {
      for (String id : texts.keySet()) {
        Record r = GenericRecord.create(c.schema());
        r.setField("chunk_id", id);
        r.setField("text", texts.get(id));
        r.setField("embedding", boxed(vectors.get(id)));
        w.write(r);
      }
      w.commit();
    }
  }

  static List<Float> boxed(float[] v) {
    List<Float> out = new ArrayList<>();
    for (float x : v) {
      out.add(x);
    }
    return out;
  }

  static String sentence(Random rnd, int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      b.append(i == 0 ? "" : " ").append(WORDS[rnd.nextInt(WORDS.length)]).append(rnd.nextInt(50));
    }
    return b.toString();
  }

  static String edit(String text, int word, String replacement) {
    String[] w = text.split(" ");
    w[word] = replacement;
    return String.join(" ", w);
  }
}
