package io.lakebeam.transforms.curation;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import io.lakebeam.transforms.lake.Lake;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Near-duplicate groups of a seeded corpus against the exact answer (all pairs' shingle Jaccard):
 * unrelated texts, planted edits of them, and copies of one boilerplate text with two words of
 * their own (of 500 copies, about 380 share each band's bucket: more than {@link
 * CandidatePairsFn#ALL_PAIRS}, so the leaders path runs).
 */
class NearDuplicatesTest {
  @TempDir Path dir;
  private Lakehouse lake;
  private final Map<String, String> texts = new LinkedHashMap<>();

  @BeforeEach
  void open() {
    lake = Lakehouse.open(dir.toString());
  }

  /** Writes {@code base} unrelated texts, {@code edits} edited copies and boilerplate copies. */
  private void create(int base, int edits, int boilerplates) {
    Random rnd = new Random(17);
    String[] vocabulary = new String[3000];
    for (int i = 0; i < vocabulary.length; i++) {
      vocabulary[i] = "w" + Integer.toString(rnd.nextInt(1 << 30), 36);
    }
    List<String> originals = new ArrayList<>();
    for (int i = 0; i < base; i++) {
      originals.add(words(rnd, vocabulary, 60));
      texts.put(String.format("d%05d", i), originals.get(i));
    }
    for (int i = 0; i < edits; i++) {
      String[] w = originals.get(rnd.nextInt(originals.size())).split(" ");
      for (int e = 0; e <= i % 3; e++) {
        w[rnd.nextInt(w.length)] = vocabulary[rnd.nextInt(vocabulary.length)];
      }
      texts.put(String.format("e%05d", i), String.join(" ", w));
    }
    String boilerplate = words(rnd, vocabulary, 60);
    for (int i = 0; i < boilerplates; i++) {
      texts.put(String.format("b%05d", i), boilerplate + " " + words(rnd, vocabulary, 2));
    }
    Map<String, String> schema = new LinkedHashMap<>();
    schema.put("chunk_id", "string not null");
    schema.put("text", "string");
    Collection c = lake.createCollection("t.docs", schema, Metric.COSINE, false);
    try (CollectionWriter w = c.newWriter()) {
      for (Map.Entry<String, String> e : texts.entrySet()) {
        Record r = GenericRecord.create(c.schema());
        r.setField("chunk_id", e.getKey());
        r.setField("text", e.getValue());
        w.write(r);
      }
      w.commit();
    }
  }

  @AfterEach
  void close() throws Exception {
    lake.close();
  }

  @Test
  void groupsAreTheExactComponentsOfSimilarPairs() {
    create(1200, 150, 500);
    Pipelines.runUnchecked(
        Runner.DIRECT,
        p ->
            p.apply(Lake.read(lake, "t.docs"))
                .apply(Dedup.nearDuplicates().withJaccard(0.8))
                .apply(Lake.writeBackColumns(lake, "t.docs")));
    Map<String, Record> rows = new HashMap<>();
    Collection c = lake.collection("t.docs").refreshMetadata();
    for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
      rows.put((String) r.getField("chunk_id"), r);
    }
    assertThat(rows).hasSize(texts.size());

    List<String> ids = new ArrayList<>(texts.keySet());
    Map<String, long[]> shingles = new HashMap<>();
    ids.forEach(id -> shingles.put(id, Shingles.of(texts.get(id), 3)));
    Map<String, String> component = new HashMap<>();
    ids.forEach(id -> component.put(id, id));
    int strong = 0;
    for (int i = 0; i < ids.size(); i++) {
      for (int j = i + 1; j < ids.size(); j++) {
        String a = ids.get(i);
        String b = ids.get(j);
        double s = Shingles.jaccard(shingles.get(a), shingles.get(b));
        if (s >= 0.8) {
          union(component, a, b);
        }
        if (s >= 0.88) {
          strong++;
          // recall: a pair this similar is a candidate in all but ~1e-6 of cases
          assertThat(rows.get(a).getField("dup_group"))
              .as("%s and %s (Jaccard %.3f)", a, b, s)
              .isEqualTo(rows.get(b).getField("dup_group"));
        }
      }
    }
    assertThat(strong).isGreaterThan(500 * 499 / 2);
    Map<Object, String> componentOfGroup = new HashMap<>();
    for (String id : ids) {
      Record r = rows.get(id);
      Object group = r.getField("dup_group");
      // precision: a group never joins rows that no chain of similar pairs joins
      assertThat(componentOfGroup.computeIfAbsent(group, g -> find(component, id)))
          .isEqualTo(find(component, id));
      assertThat(r.getField("is_canonical")).isEqualTo(id.equals(group));
      if (!id.equals(group)) {
        assertThat((Double) r.getField("dup_similarity")).isGreaterThanOrEqualTo(0.8);
      }
    }
    assertThat(rows.get("b00499").getField("dup_group")).isEqualTo("b00000");
    assertThat(rows.get("d00000").getField("dup_similarity")).isNull();
  }

  @Test
  void distributedComponentsBeyondTheMemoryLimitGiveTheSameGroups() {
    // small: the distributed path pays the Direct runner's cost per key (member) in ~14 stages
    create(200, 40, 30);
    Pipelines.runUnchecked(
        Runner.DIRECT,
        p ->
            p.apply(Lake.read(lake, "t.docs"))
                .apply("In memory", Dedup.nearDuplicates().withOutputPrefix("mem_"))
                .apply(
                    "Distributed",
                    Dedup.nearDuplicates().withOutputPrefix("dist_").withInMemoryGroupLimit(10))
                .apply(Lake.writeBackColumns(lake, "t.docs")));
    Collection c = lake.collection("t.docs").refreshMetadata();
    int members = 0;
    for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
      for (String f : new String[] {"dup_group", "is_canonical", "dup_similarity"}) {
        assertThat(r.getField("dist_" + f)).isEqualTo(r.getField("mem_" + f));
      }
      members += r.getField("mem_dup_similarity") == null ? 0 : 1;
    }
    assertThat(members).isGreaterThan(50);
  }

  private static String words(Random rnd, String[] vocabulary, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(i == 0 ? "" : " ").append(vocabulary[rnd.nextInt(vocabulary.length)]);
    }
    return b.toString();
  }

  private static String find(Map<String, String> parent, String x) {
    while (!parent.get(x).equals(x)) {
      x = parent.get(x);
    }
    return x;
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra.compareTo(rb) < 0 ? rb : ra, ra.compareTo(rb) < 0 ? ra : rb);
    }
  }
}
