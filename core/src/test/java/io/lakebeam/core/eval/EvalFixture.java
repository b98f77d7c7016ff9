package io.lakebeam.core.eval;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * Seeded evaluation data: {@code docs} documents of {@code chunksPerDoc} chunks each, every chunk a
 * small perturbation of its document's random centre; queries near chosen documents' centres.
 */
public final class EvalFixture {
  public static final int DIM = 16;

  final float[][] centres;

  private EvalFixture(float[][] centres) {
    this.centres = centres;
  }

  /** Creates {@code kb.chunks} (chunk_id, doc_id, text, embedding) with seeded rows. */
  public static EvalFixture chunks(Lakehouse lake, int docs, int chunksPerDoc, long seed) {
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("chunk_id", "string");
    schema.put("doc_id", "string");
    schema.put("text", "string");
    schema.put("embedding", "float_vector(" + DIM + ")");
    Collection c = lake.createCollection("kb.chunks", schema, Metric.COSINE, false);
    Random rnd = new Random(seed);
    float[][] centres = new float[docs][];
    try (CollectionWriter w = c.newWriter()) {
      for (int d = 0; d < docs; d++) {
        centres[d] = TestData.vector(rnd, DIM);
        for (int k = 0; k < chunksPerDoc; k++) {
          Record r = GenericRecord.create(c.schema());
          r.setField("chunk_id", "d" + d + "-c" + k);
          r.setField("doc_id", "d" + d);
          r.setField("text", "chunk " + k + " of document " + d + " about " + word(d));
          r.setField("embedding", TestData.boxed(near(centres[d], rnd, 0.02f)));
          w.write(r);
        }
      }
      w.commit();
    }
    return new EvalFixture(centres);
  }

  /** A word only document {@code d} holds, e.g. {@code zebab} (letters only: one token). */
  public static String word(int d) {
    StringBuilder b = new StringBuilder("zeb");
    for (int x = d; ; x /= 26) {
      b.append((char) ('a' + x % 26));
      if (x < 26) {
        return b.toString();
      }
    }
  }

  static float[] near(float[] centre, Random rnd, float noise) {
    float[] v = centre.clone();
    for (int i = 0; i < v.length; i++) {
      v[i] += noise * (float) rnd.nextGaussian();
    }
    return v;
  }

  /** {@code kb.eval_queries}: one query per target document, near its centre. */
  public Collection queries(Lakehouse lake, List<Integer> targets, long seed) {
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("query_id", "string");
    schema.put("text", "string");
    schema.put("embedding", "float_vector(" + DIM + ")");
    Collection c = lake.createCollection("kb.eval_queries", schema, Metric.COSINE, false);
    Random rnd = new Random(seed);
    try (CollectionWriter w = c.newWriter()) {
      for (int target : targets) {
        Record r = GenericRecord.create(c.schema());
        r.setField("query_id", "q" + target);
        r.setField("text", "about document " + target);
        r.setField("embedding", TestData.boxed(near(centres[target], rnd, 0.02f)));
        w.write(r);
      }
      w.commit();
    }
    return c;
  }

  /** A qrels table from {@code query id -> (doc id -> relevance)}. */
  public static Collection qrels(
      Lakehouse lake, String name, Map<String, Map<String, Integer>> judged) {
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("query_id", "string");
    schema.put("doc_id", "string");
    schema.put("relevance", "int");
    Collection c = lake.createCollection(name, schema, Metric.COSINE, false);
    try (CollectionWriter w = c.newWriter()) {
      judged.forEach(
          (q, docs) ->
              docs.forEach(
                  (d, rel) -> {
                    Record r = GenericRecord.create(c.schema());
                    r.setField("query_id", q);
                    r.setField("doc_id", d);
                    r.setField("relevance", rel);
                    w.write(r);
                  }));
      w.commit();
    }
    return c;
  }
}
