package io.lakebeam.transforms.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.embeddings.Models;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The documents pipeline end to end, on the Direct runner and on Flink's embedded cluster. */
class DocumentIngestTest {
  @TempDir Path dir;
  private Lakehouse lake;
  private Path docs;

  @BeforeEach
  void setUp() throws IOException {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    docs = Files.createDirectories(dir.resolve("docs"));
    Random random = new Random(42);
    for (int i = 0; i < 6; i++) {
      StringBuilder md = new StringBuilder("# Document " + i + "\n\n");
      for (int p = 0; p < 12; p++) {
        md.append(Sentences.paragraph(random)).append("\n\n");
      }
      Files.writeString(docs.resolve("doc-" + i + ".md"), md);
    }
    Files.writeString(
        docs.resolve("page.html"),
        "<html><head><title>Key rotation</title><script>var x=1;</script></head><body>"
            + "<h1>Rotating keys</h1><p>Create a new key version, then retire the old one.</p>"
            + "</body></html>");
    Files.write(
        docs.resolve("latin1.txt"),
        "Café crème brûlée à la française, déjà vu.".getBytes(StandardCharsets.ISO_8859_1));
    Files.write(docs.resolve("empty.txt"), new byte[0]);
    byte[] junk = new byte[4096];
    random.nextBytes(junk);
    Files.write(docs.resolve("junk.bin"), junk);
    Files.write(
        docs.resolve("broken.pdf"),
        "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nendobj\ngarbage"
            .getBytes(StandardCharsets.US_ASCII));
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private PipelineResult ingest(Runner runner) {
    DocumentIngest ingest =
        DocumentIngest.of(docs.toString(), lake, "corpus").withMaxTokens(64).withOverlap(8);
    return Pipelines.run(runner, ingest::applyTo);
  }

  @ParameterizedTest
  @EnumSource(
      value = Runner.class,
      names = {"DIRECT", "FLINK"})
  void everyFileEndsUpAsADocumentOrAFailure(Runner runner) throws IOException {
    PipelineResult result = ingest(runner);

    List<Record> documents = rows("corpus.documents", "uri", "content_hash", "mime_type");
    List<Record> failures = rows("corpus.failures", "uri", "stage", "reason");
    List<Record> chunks = rows("corpus.chunks", "chunk_id", "doc_id", "doc_version", "text");
    assertThat(documents).hasSize(8);
    assertThat(failures).hasSize(3);
    assertThat(failures)
        .extracting(r -> Path.of((String) r.getField("uri")).getFileName().toString())
        .containsExactlyInAnyOrder("empty.txt", "junk.bin", "broken.pdf");
    assertThat(failures).allSatisfy(r -> assertThat(r.getField("stage")).isEqualTo("extract"));
    assertThat(documents.size() + failures.size())
        .as("in = out + failures")
        .isEqualTo(Files.list(docs).count());
    assertThat(counter(result, "documents_extracted")).isEqualTo(8);
    assertThat(counter(result, "documents_failed")).isEqualTo(3);

    assertThat(chunks).hasSizeGreaterThan(20);
    assertThat(chunks)
        .extracting(r -> (String) r.getField("text"))
        .anyMatch(t -> t.contains("Café crème brûlée"))
        .noneMatch(t -> t.contains("var x=1"));
    Collection c = lake.collection("corpus.chunks");
    assertThat(c.vectorField("embedding").model())
        .isEqualTo(Models.ALL_MINILM_L6_V2.name() + "@" + Models.ALL_MINILM_L6_V2.version());
    assertThat(c.vectorField("embedding").dimension()).isEqualTo(384);
  }

  @ParameterizedTest
  @EnumSource(
      value = Runner.class,
      names = {"DIRECT"})
  void reingestingAddsNothingAndAChangedFileReplacesItsChunks(Runner runner) throws IOException {
    ingest(runner);
    long chunksSnapshot = lake.collection("corpus.chunks").snapshotId();
    long documentsSnapshot = lake.collection("corpus.documents").snapshotId();

    PipelineResult again = ingest(runner);
    assertThat(counter(again, "documents_skipped")).isEqualTo(8);
    assertThat(lake.collection("corpus.chunks").snapshotId()).isEqualTo(chunksSnapshot);
    assertThat(lake.collection("corpus.documents").snapshotId()).isEqualTo(documentsSnapshot);

    String docId = ExtractFn.docId(docs.resolve("doc-0.md").toString());
    long before = chunksOf(docId).size();
    Files.writeString(docs.resolve("doc-0.md"), "# Document 0\n\nNow it is one short paragraph.");
    PipelineResult changed = ingest(runner);
    assertThat(counter(changed, "documents_extracted")).isEqualTo(1);

    List<Record> now = chunksOf(docId);
    assertThat(before).isGreaterThan(1);
    assertThat(now).hasSize(1);
    assertThat((String) now.get(0).getField("text")).contains("one short paragraph");
    assertThat(rows("corpus.documents", "doc_id")).hasSize(8);
    List<String> versions =
        rows("corpus.documents", "doc_id", "content_hash").stream()
            .filter(r -> r.getField("doc_id").equals(docId))
            .map(r -> (String) r.getField("content_hash"))
            .toList();
    assertThat(versions).hasSize(1);
    assertThat(now.get(0).getField("doc_version")).isEqualTo(versions.get(0));
  }

  @org.junit.jupiter.api.Test
  void aMissingSourceFailsBeforeAnythingIsWritten() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                Pipelines.run(
                    Runner.DIRECT,
                    DocumentIngest.of(dir.resolve("nope").toString(), lake, "corpus")::applyTo))
        .isInstanceOf(io.lakebeam.core.LakebeamException.class)
        .hasMessageContaining("no such file or directory");
    assertThat(lake.listCollections()).isEmpty();
  }

  private List<Record> chunksOf(String docId) {
    return rows("corpus.chunks", "chunk_id", "doc_id", "doc_version", "text").stream()
        .filter(r -> docId.equals(r.getField("doc_id")))
        .toList();
  }

  private List<Record> rows(String collection, String... columns) {
    Collection c = lake.collection(collection).refreshMetadata();
    return LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns));
  }

  private static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("lakebeam", name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
