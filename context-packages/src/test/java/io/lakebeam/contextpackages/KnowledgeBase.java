package io.lakebeam.contextpackages;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.OnnxTextEmbedder;
import io.lakebeam.embeddings.TextTokenizer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;

/**
 * A small knowledge base in the chunks-table layout of {@code DocumentIngest} ({@code kb.chunks}:
 * doc_id, uri, ordinal, char_start, char_end, text, token_count, embedding with its model
 * recorded), embedded for real with all-MiniLM-L6-v2. Vectors are computed once per JVM.
 */
public final class KnowledgeBase {
  public static final String CHUNKS = "kb.chunks";

  /** uri, lang, quality, and the document's paragraphs (one chunk each). */
  public record Doc(String uri, String lang, double quality, List<String> paragraphs) {}

  public static final List<Doc> DOCS =
      List.of(
          new Doc(
              "file:///kb/keys.md",
              "en",
              0.9,
              List.of(
                  "To rotate encryption keys, create a new key version in the key service and mark"
                      + " it primary.",
                  "Re-encrypt every data key with the new key version; the old version stays"
                      + " enabled for decryption until all readers have switched.",
                  "Disable the old key version after a grace period of seven days, then destroy it"
                      + " once audits confirm nothing uses it.")),
          new Doc(
              "file:///kb/keys-mirror.md",
              "en",
              0.2,
              List.of(
                  "To rotate encryption keys, create a new key version in the key service and mark"
                      + " it primary.")),
          new Doc(
              "file:///kb/backups.md",
              "en",
              0.8,
              List.of(
                  "Nightly backups copy every table snapshot to a second region.",
                  "To restore a backup, pick a snapshot id and roll the table back to it.")),
          new Doc(
              "file:///kb/espresso.md",
              "en",
              0.5,
              List.of(
                  "A good espresso shot takes finely ground coffee, nine bars of pressure and"
                      + " about 25 seconds.")),
          new Doc(
              "file:///kb/schluessel.md",
              "de",
              0.7,
              List.of("Schlüssel werden rotiert, indem man eine neue Schlüsselversion anlegt.")));

  /** A chunk added later, to change what a topic retrieves. */
  public static final Doc ROTATION_UPDATE =
      new Doc(
          "file:///kb/keys-2.md",
          "en",
          0.95,
          List.of(
              "Key rotation checklist: rotate keys with the rotate-key command, which creates the"
                  + " new key version and re-encrypts data keys in one step."));

  private static final Map<String, float[]> VECTORS = new ConcurrentHashMap<>();

  private KnowledgeBase() {}

  static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("chunk_id", "string");
    s.put("doc_id", "string");
    s.put("uri", "string");
    s.put("ordinal", "int");
    s.put("char_start", "int");
    s.put("char_end", "int");
    s.put("lang", "string");
    s.put("quality", "double");
    s.put("token_count", "int");
    s.put("text", "string");
    s.put("embedding", "float_vector(384)");
    return s;
  }

  /** Creates {@code kb.chunks} with {@link #DOCS}; returns it. */
  public static Collection create(Lakehouse lake) {
    Collection c = lake.createCollection(CHUNKS, schema(), Metric.COSINE, false);
    c.recordVectorModel(
        "embedding", Models.ALL_MINILM_L6_V2.name() + "@" + Models.ALL_MINILM_L6_V2.version());
    append(c.refreshMetadata(), DOCS);
    return c.refreshMetadata();
  }

  /** Appends the chunks of {@code docs} in one commit; returns the new snapshot id. */
  public static long append(Collection c, List<Doc> docs) {
    List<String> texts = new ArrayList<>();
    docs.forEach(d -> texts.addAll(d.paragraphs()));
    float[][] vectors = vectors(texts);
    TextTokenizer tokenizer = TextTokenizer.load(Models.ALL_MINILM_L6_V2);
    int t = 0;
    try (CollectionWriter w = c.newWriter()) {
      for (Doc d : docs) {
        int offset = 0;
        for (int i = 0; i < d.paragraphs().size(); i++) {
          String text = d.paragraphs().get(i);
          String docId = Integer.toHexString(d.uri().hashCode());
          Record r = GenericRecord.create(c.schema());
          r.setField("chunk_id", docId + ":" + i);
          r.setField("doc_id", docId);
          r.setField("uri", d.uri());
          r.setField("ordinal", i);
          r.setField("char_start", offset);
          r.setField("char_end", offset + text.length());
          r.setField("lang", d.lang());
          r.setField("quality", d.quality());
          r.setField("token_count", tokenizer.count(text));
          r.setField("text", text);
          List<Float> v = new ArrayList<>();
          for (float x : vectors[t++]) {
            v.add(x);
          }
          r.setField("embedding", v);
          w.write(r);
          offset += text.length() + 2;
        }
      }
      return w.commit();
    }
  }

  static float[][] vectors(List<String> texts) {
    List<String> missing = texts.stream().filter(x -> !VECTORS.containsKey(x)).distinct().toList();
    if (!missing.isEmpty()) {
      float[][] computed = OnnxTextEmbedder.load(Models.ALL_MINILM_L6_V2).embed(missing);
      for (int i = 0; i < missing.size(); i++) {
        VECTORS.put(missing.get(i), computed[i]);
      }
    }
    return texts.stream().map(VECTORS::get).toArray(float[][]::new);
  }

  /** The spec used by the tests: a few topics over {@code kb.chunks}. */
  public static ContextSpec.Builder spec() {
    return ContextSpec.builder("support-kb")
        .source(CHUNKS, "embedding")
        .query("key rotation", "how do I rotate keys?")
        .query("backups", "how do I restore a backup?")
        .query("coffee", "how long should an espresso shot take?")
        .retrieve(4, "lang = 'en'")
        .rerank(ContextSpec.Rerank.mmr(0.7))
        .compress(
            new ContextSpec.Compress(
                80,
                true,
                ContextSpec.Compress.DEFAULT_DEDUP_THRESHOLD,
                ContextSpec.Order.DOCUMENT,
                null));
  }
}
