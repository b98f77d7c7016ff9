package io.lakebeam.transforms.documents;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import io.lakebeam.multimodal.documents.TestDocuments;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input in one ingest: each bad file becomes a failure row with its reason, the
 * good files (in odd encodings too) become documents, and in = out + failures.
 */
class BadDocumentsTest {
  @TempDir Path dir;

  @Test
  void badFilesAreFailuresWithReasonsAndTheRestIsIngested() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("docs"));
    TestDocuments.pdf(
        docs, "good.pdf", "Key rotation", List.of(List.of("Rotate keys every ninety days.")));
    TestDocuments.docx(docs, "good.docx", "Runbook", "Restart the service after the upgrade.");
    byte[] pdf = Files.readAllBytes(docs.resolve("good.pdf"));
    TestDocuments.write(docs.resolve("corrupt.pdf"), java.util.Arrays.copyOf(pdf, pdf.length / 3));
    TestDocuments.encryptedPdf(docs, "encrypted.pdf");
    TestDocuments.zipBombDocx(docs, "bomb.docx", 256);
    TestDocuments.write(docs.resolve("empty.txt"), new byte[0]);
    TestDocuments.write(docs.resolve("junk.bin"), TestDocuments.randomBytes(5, 64 * 1024));
    write(docs.resolve("latin1.txt"), "Café au lait, crème brûlée.", StandardCharsets.ISO_8859_1);
    write(
        docs.resolve("utf16.txt"),
        "\uFEFFZürich Hauptbahnhof, Gleis 7.",
        StandardCharsets.UTF_16LE);
    write(docs.resolve("sjis.txt"), "東京駅から新幹線で大阪へ行きます。", Charset.forName("Shift_JIS"));
    try (RandomAccessFile huge = new RandomAccessFile(docs.resolve("huge.txt").toFile(), "rw")) {
      huge.setLength(200L << 20);
    }

    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString())) {
      Pipelines.run(
          Runner.DIRECT,
          DocumentIngest.of(docs.toString(), lake, "kb").withMaxTokens(64).withOverlap(8)::applyTo);

      Map<String, String> failures = new HashMap<>();
      read(lake.collection("kb.failures"), "uri", "reason")
          .forEach(r -> failures.put(name(r.getField("uri")), (String) r.getField("reason")));
      assertThat(failures)
          .containsOnlyKeys(
              "corrupt.pdf", "encrypted.pdf", "bomb.docx", "empty.txt", "junk.bin", "huge.txt");
      assertThat(failures.get("encrypted.pdf")).containsIgnoringCase("encrypted");
      assertThat(failures.get("bomb.docx")).containsIgnoringCase("zip bomb");
      assertThat(failures.get("empty.txt")).containsIgnoringCase("empty");
      assertThat(failures.get("huge.txt")).contains("over the limit");
      assertThat(failures.values()).allSatisfy(reason -> assertThat(reason).startsWith("Cannot"));

      List<Record> documents = read(lake.collection("kb.documents"), "uri", "text");
      assertThat(documents)
          .extracting(r -> name(r.getField("uri")))
          .containsExactlyInAnyOrder(
              "good.pdf", "good.docx", "latin1.txt", "utf16.txt", "sjis.txt");
      assertThat(documents.size() + failures.size()).isEqualTo(Files.list(docs).count());
      assertThat(documents)
          .extracting(r -> (String) r.getField("text"))
          .anyMatch(t -> t.contains("Café au lait, crème brûlée."))
          .anyMatch(t -> t.contains("Zürich Hauptbahnhof"))
          .anyMatch(t -> t.contains("東京駅から新幹線で大阪へ行きます。"));
    }
  }

  @Test
  void aRunWhereEveryFileFailsWritesFailuresAndNoIndex() throws Exception {
    Path docs = Files.createDirectories(dir.resolve("bad-only"));
    TestDocuments.write(docs.resolve("empty.txt"), new byte[0]);
    TestDocuments.write(docs.resolve("junk.bin"), TestDocuments.randomBytes(9, 4096));
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake2").toString())) {
      DocumentIngest ingest = DocumentIngest.of(docs.toString(), lake, "kb");
      Pipelines.run(Runner.DIRECT, ingest::applyTo);
      assertThat(read(lake.collection("kb.failures"), "uri")).hasSize(2);
      assertThat(ingest.refreshIndex()).containsEntry("action", "none");
    }
  }

  private static void write(Path file, String text, Charset charset) throws IOException {
    Files.write(file, text.getBytes(charset));
  }

  private static String name(Object uri) {
    return Path.of((String) uri).getFileName().toString();
  }

  static List<Record> read(Collection c, String... columns) {
    return LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(columns));
  }
}
