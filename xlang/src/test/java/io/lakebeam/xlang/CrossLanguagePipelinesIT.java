package io.lakebeam.xlang;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.embeddings.Models;
import io.lakebeam.transforms.chunk.Chunk;
import io.lakebeam.transforms.embed.Embed;
import io.lakebeam.transforms.lake.Lake;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same chunk, embed and write pipeline in Java, in Beam YAML and in Python (apache-beam from
 * the Python index, in {@code xlang/.venv}: {@code bash xlang/setup_venv.sh}), the last two through
 * {@code LakebeamExpansionService} in a child JVM: the three collections hold the same rows.
 */
class CrossLanguagePipelinesIT {
  private static final Path MODULE = Path.of("").toAbsolutePath();
  private static final Path PYTHON = MODULE.resolve(".venv/bin/python");
  private static final String[][] DOCS = {
    {
      "d1",
      "Apache Iceberg tables are the one source of truth. Lakebeam keeps vectors, text and"
          + " metadata in the same table, so every engine reads the same rows."
    },
    {
      "d2",
      "Beam pipelines chunk documents and embed the chunks. The expansion service lets"
          + " Python and YAML pipelines call the Java transforms."
    },
    {"d3", "Search serves the newest snapshot over Arrow Flight."}
  };

  @TempDir static Path dir;
  private static Process service;
  private static String address;

  /** Each test is reported skipped, with the reason, where the venv is missing. */
  @BeforeEach
  void requireVenv() {
    assumeTrue(
        Files.isExecutable(PYTHON),
        "Skipped: no Beam Python venv at " + PYTHON + "; run bash xlang/setup_venv.sh");
  }

  @BeforeAll
  static void startExpansionService() throws Exception {
    if (!Files.isExecutable(PYTHON)) {
      return; // requireVenv skips every test
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            LakebeamExpansionService.class.getName(),
            Integer.toString(port)));
    service =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("expansion-service.log").toFile())
            .start();
    address = "localhost:" + port;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!accepts(port)) {
      assertThat(service.isAlive()).as(log()).isTrue();
      assertThat(System.nanoTime()).as("expansion service not up: " + log()).isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("localhost", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String log() {
    try {
      return Files.readString(dir.resolve("expansion-service.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (service != null) {
      service.destroy();
      service.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void yamlAndPythonPipelinesWriteTheRowsOfTheJavaPipeline() throws Exception {
    String lakehouse = dir.resolve("lakehouse").toString();
    runJava(lakehouse, "java.chunks");
    pythonOk(
        "-m",
        "apache_beam.yaml.main",
        "--yaml_pipeline_file=" + MODULE.resolve("examples/chunk_embed_write.yaml"),
        "--jinja_variables={\"expansion_service\": \""
            + address
            + "\", \"lakehouse\": \""
            + lakehouse
            + "\", \"collection\": \"yaml.chunks\"}");
    pythonOk(
        MODULE.resolve("examples/chunk_embed_write.py").toString(),
        "--expansion_service",
        address,
        "--lakehouse",
        lakehouse,
        "--collection",
        "py.chunks");
    TreeMap<String, String> java = rows(lakehouse, "java.chunks");
    assertThat(java).hasSizeGreaterThan(DOCS.length);
    assertThat(rows(lakehouse, "yaml.chunks")).isEqualTo(java);
    assertThat(rows(lakehouse, "py.chunks")).isEqualTo(java);
  }

  @Test
  void aYamlPipelineWithAnUnknownOptionFailsAtExpansionNamingIt() throws Exception {
    Path yaml = dir.resolve("typo.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "pipeline:",
            "  type: chain",
            "  transforms:",
            "    - type: Create",
            "      config: {elements: [{doc_id: d1, text: some text}]}",
            "    - type: LakebeamChunk",
            "      config: {max_tokens: 32, max_tokenz: 4}",
            "providers:",
            "  - type: remote",
            "    config: {address: \"" + address + "\"}",
            "    transforms:",
            "      LakebeamChunk: \"beam:schematransform:org.lakebeam:chunk:v1\"",
            ""));
    PythonRun run = python("-m", "apache_beam.yaml.main", "--yaml_pipeline_file=" + yaml);
    assertThat(run.exitCode()).as(run.output()).isNotZero();
    // Beam YAML checks the config against the schema the expansion service reports (the Java
    // provider rejects it too, LakebeamSchemaTransformProvidersTest): nothing runs
    assertThat(run.output())
        .contains("LakebeamChunk")
        .contains("unknown fields: {'max_tokenz'}")
        .doesNotContain("Running pipeline");
  }

  @Test
  void aYamlPipelineReadsClustersAndWritesBackIntoTheSameTable() throws Exception {
    String lakehouse = dir.resolve("curation").toString();
    runJava(lakehouse, "kb.chunks");
    Path yaml = dir.resolve("curate.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "pipeline:",
            "  type: chain",
            "  transforms:",
            "    - type: LakebeamRead",
            "      config: {lakehouse: \"" + lakehouse + "\", collection: kb.chunks,",
            "               columns: [chunk_id, embedding]}",
            "    - type: LakebeamCluster",
            "      config: {k: 2, iterations: 3}",
            "    - type: LakebeamWriteBack",
            "      config: {lakehouse: \"" + lakehouse + "\", collection: kb.chunks}",
            "providers:",
            "  - type: remote",
            "    config: {address: \"" + address + "\"}",
            "    transforms:",
            "      LakebeamRead: \"beam:schematransform:org.lakebeam:lake_read:v1\"",
            "      LakebeamCluster: \"beam:schematransform:org.lakebeam:cluster:v1\"",
            "      LakebeamWriteBack: \"beam:schematransform:org.lakebeam:lake_write_back:v1\"",
            ""));
    pythonOk("-m", "apache_beam.yaml.main", "--yaml_pipeline_file=" + yaml);

    List<Object> clusters = new ArrayList<>();
    try (Lakehouse lake = Lakehouse.open(lakehouse);
        CloseableIterable<Record> records =
            IcebergGenerics.read(lake.collection("kb.chunks").table()).build()) {
      records.forEach(r -> clusters.add(r.getField("cluster_id")));
    }
    assertThat(clusters).hasSizeGreaterThan(DOCS.length).doesNotContainNull();
    assertThat(clusters.stream().distinct()).hasSize(2);
  }

  @Test
  void aYamlPipelineBuildsContextPackagesWithAFailuresTable() throws Exception {
    String lakehouse = dir.resolve("context").toString();
    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      io.lakebeam.contextpackages.KnowledgeBase.create(lake);
    }
    Path spec = dir.resolve("support-kb.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: support-kb",
            "source: {collection: kb.chunks, field: embedding}",
            "queries:",
            "  - {topic: coffee, text: \"how long should an espresso shot take?\"}",
            "  - {topic: backups, text: \"how do I restore a backup?\"}",
            "retrieve: {top_k: 4}",
            "compress: {token_budget: 80, dedup: true, order: document}",
            ""));
    Path yaml = dir.resolve("context.yaml");
    Files.writeString(
        yaml,
        String.join(
            "\n",
            "pipeline:",
            "  type: chain",
            "  transforms:",
            "    - type: LakebeamContextBuild",
            "      config: {lakehouse: \"" + lakehouse + "\", spec_path: \"" + spec + "\",",
            "               batch_size: 2}",
            "providers:",
            "  - type: remote",
            "    config: {address: \"" + address + "\"}",
            "    transforms:",
            "      LakebeamContextBuild: \"beam:schematransform:org.lakebeam:context_build:v1\"",
            ""));
    pythonOk("-m", "apache_beam.yaml.main", "--yaml_pipeline_file=" + yaml);

    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      assertThat(
              io.lakebeam.core.read.TableState.of(lake.collection("context.packages").table())
                  .liveRowCount())
          .isEqualTo(2);
    }
  }

  private static void runJava(String lakehouse, String collection) throws IOException {
    Schema docs = Schema.builder().addStringField("doc_id").addStringField("text").build();
    List<Row> rows = new ArrayList<>();
    for (String[] d : DOCS) {
      rows.add(Row.withSchema(docs).addValues(d[0], d[1]).build());
    }
    Pipeline p = Pipeline.create(PipelineOptionsFactory.create());
    try (Lakehouse lake = Lakehouse.open(lakehouse)) {
      p.apply(Create.of(rows).withRowSchema(docs))
          .apply(Chunk.recursive().withMaxTokens(32).withOverlap(4))
          .apply(Embed.text().withModel(Models.ALL_MINILM_L6_V2))
          .apply(Lake.write(lake, collection).withRowsPerFile(2).withWriteId("java-example"));
      assertThat(p.run().waitUntilFinish()).isEqualTo(PipelineResult.State.DONE);
    }
  }

  private record PythonRun(int exitCode, String output) {}

  private static void pythonOk(String... args) throws Exception {
    PythonRun run = python(args);
    assertThat(run.exitCode()).as(run.output()).isZero();
  }

  private static PythonRun python(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(PYTHON.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "python", ".log");
    Process p =
        new ProcessBuilder(cmd)
            .directory(MODULE.toFile())
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    if (!p.waitFor(300, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError("python timed out: " + cmd + "\n" + Files.readString(out));
    }
    return new PythonRun(p.exitValue(), String.join(" ", cmd) + "\n" + Files.readString(out));
  }

  /** chunk_id -> every column but the vector, plus the vector rounded to 5 digits. */
  private static TreeMap<String, String> rows(String lakehouse, String collection)
      throws IOException {
    TreeMap<String, String> out = new TreeMap<>();
    try (Lakehouse lake = Lakehouse.open(lakehouse);
        CloseableIterable<Record> records =
            IcebergGenerics.read(lake.collection(collection).table()).build()) {
      for (Record r : records) {
        StringBuilder s = new StringBuilder();
        for (String f :
            List.of("doc_id", "ordinal", "char_start", "char_end", "token_count", "text")) {
          s.append(f).append('=').append(r.getField(f)).append(' ');
        }
        @SuppressWarnings("unchecked")
        List<Float> v = (List<Float>) r.getField("embedding");
        for (Float x : v) {
          s.append(String.format("%.5f,", x));
        }
        out.put((String) r.getField("chunk_id"), s.toString());
      }
    }
    return out;
  }
}
