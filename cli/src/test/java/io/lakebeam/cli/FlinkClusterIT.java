package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.runners.LocalFlinkCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's pipelines on a real Flink session cluster (a JobManager and two TaskManagers, each its
 * own JVM) give what the Direct runner gives: {@code ingest documents} (extract, chunk, embed,
 * write) the same chunks and vectors, {@code dedup} the same groups, {@code cluster} the same
 * partition. Both sides reach the warehouse as a local directory.
 */
class FlinkClusterIT {
  @TempDir Path dir;

  @Test
  void ingestDedupAndClusterOnASessionClusterMatchTheDirectRunner() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    writeDocs(docs);
    String direct = dir.resolve("direct").toString();
    String flink = dir.resolve("flink").toString();

    try (LocalFlinkCluster cluster =
        LocalFlinkCluster.builder()
            .withTaskManagers(2)
            .withHeap("512m")
            .withDirectory(dir.resolve("cluster"))
            .start()) {
      assertThat(cluster.taskManagers()).hasSize(2);
      // The job stages its whole classpath (Beam's default), Lakebeam's classes included.
      String[] onCluster = {"--runner", "flink", "--flink-master", cluster.master()};

      assertThat(Main.run(ingest(docs, direct))).isZero();
      assertThat(Main.run(concat(ingest(docs, flink), onCluster))).isZero();
      Map<String, Record> d = rows(direct, "kb.chunks");
      Map<String, Record> f = rows(flink, "kb.chunks");
      assertThat(d).hasSizeGreaterThan(10);
      assertThat(f.keySet()).isEqualTo(d.keySet());
      for (String id : d.keySet()) {
        assertThat(f.get(id).getField("text")).as(id).isEqualTo(d.get(id).getField("text"));
        assertThat(vector(f.get(id))).as(id).containsExactly(vector(d.get(id)), within(1e-5f));
      }
      assertThat(rows(flink, "kb.documents").keySet())
          .isEqualTo(rows(direct, "kb.documents").keySet());

      String[] dedup = {"dedup", "kb.chunks", "--jaccard", "0.7"};
      assertThat(Main.run(concat(dedup, "--lakehouse", direct))).isZero();
      assertThat(Main.run(concat(concat(dedup, "--lakehouse", flink), onCluster))).isZero();
      String[] kmeans = {"cluster", "kb.chunks", "--k", "3", "--iterations", "5"};
      assertThat(Main.run(concat(kmeans, "--lakehouse", direct))).isZero();
      assertThat(Main.run(concat(concat(kmeans, "--lakehouse", flink), onCluster))).isZero();

      Map<String, Record> dc = rows(direct, "kb.chunks");
      Map<String, Record> fc = rows(flink, "kb.chunks");
      long nonCanonical =
          dc.values().stream()
              .filter(r -> Boolean.FALSE.equals(r.getField("is_canonical")))
              .count();
      assertThat(nonCanonical).as("the planted near copies are found").isGreaterThan(0);
      Map<Object, Object> clusters = new HashMap<>();
      for (String id : dc.keySet()) {
        for (String column : new String[] {"dup_group", "is_canonical"}) {
          assertThat(fc.get(id).getField(column))
              .as(id + "." + column)
              .isEqualTo(dc.get(id).getField(column));
        }
        Object was = dc.get(id).getField("cluster_id");
        assertThat(clusters.computeIfAbsent(was, c -> fc.get(id).getField("cluster_id")))
            .as(id + ".cluster_id")
            .isEqualTo(fc.get(id).getField("cluster_id"));
      }
      assertThat(clusters.values()).doesNotHaveDuplicates();
      // every pipeline ran on the cluster: three finished jobs
      assertThat(cluster.jobsOverview().split("\"state\":\"FINISHED\"", -1)).hasSize(4);
    }
  }

  @Test
  void aFlinkMasterWithoutTheFlinkRunnerIsAnError() {
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    java.io.PrintStream was = System.err;
    System.setErr(new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8));
    int code;
    try {
      code =
          Main.run(
              "dedup",
              "kb.chunks",
              "--lakehouse",
              dir.resolve("lake").toString(),
              "--flink-master",
              "127.0.0.1:8081");
    } finally {
      System.setErr(was);
    }
    assertThat(code).isEqualTo(1);
    assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains(
            "Cannot use Flink master 127.0.0.1:8081 with the DirectRunner: add --runner flink");
  }

  private static org.assertj.core.data.Offset<Float> within(float e) {
    return org.assertj.core.data.Offset.offset(e);
  }

  private static float[] vector(Record r) {
    @SuppressWarnings("unchecked")
    List<Float> v = (List<Float>) r.getField("embedding");
    float[] out = new float[v.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = v.get(i);
    }
    return out;
  }

  private static String[] ingest(Path docs, String lake) {
    return new String[] {
      "ingest",
      "documents",
      docs.toString(),
      "--into",
      "kb",
      "--lakehouse",
      lake,
      "--no-index",
      "--max-tokens",
      "64",
      "--overlap",
      "0"
    };
  }

  private static String[] concat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(String[]::new);
  }

  /** Six notes on three topics; note 6 is note 0 with one word changed, note 7 a copy of 3. */
  private static void writeDocs(Path docs) throws IOException {
    String[][] topics = {
      {"lake", "snapshot", "commit", "table", "manifest", "partition", "schema", "file"},
      {"vector", "index", "graph", "neighbour", "search", "recall", "distance", "query"},
      {"runner", "pipeline", "bundle", "worker", "shuffle", "window", "trigger", "slot"}
    };
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Random random = new Random(i);
      String[] words = topics[i % 3];
      StringBuilder text = new StringBuilder("# Note " + i + "\n\n");
      for (int w = 0; w < 240; w++) {
        text.append(words[random.nextInt(words.length)]).append(w % 12 == 11 ? ".\n\n" : " ");
      }
      texts.add(text.toString());
    }
    texts.add(
        texts.get(0).replaceFirst("# Note 0", "# Note 6").replaceFirst(" table ", " tables "));
    texts.add(texts.get(3).replaceFirst("# Note 3", "# Note 7"));
    for (int i = 0; i < texts.size(); i++) {
      Files.writeString(docs.resolve("note-" + i + ".md"), texts.get(i));
    }
  }

  private static Map<String, Record> rows(String warehouse, String name) {
    try (Lakehouse lake = Lakehouse.open(warehouse)) {
      Collection c = lake.collection(name);
      String key = name.endsWith("chunks") ? "chunk_id" : c.schema().columns().get(0).name();
      Map<String, Record> out = new HashMap<>();
      for (Record r : LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema())) {
        out.put(String.valueOf(r.getField(key)), r);
      }
      return out;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
