package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Text, structure and metadata of each supported format, from documents the tests build. */
class FormatExtractionTest {

  private static final DocumentExtractor EXTRACTOR = DocumentExtractor.create();

  @TempDir Path dir;

  @Test
  void pdfGivesTextWithParagraphsTitleAndPageCount() throws Exception {
    Path pdf =
        TestDocuments.pdf(
            dir,
            "guide.pdf",
            "Lake Guide",
            List.of(
                List.of("Lakes hold the tables.", "Beams move the data."),
                List.of("Vectors find the answers.")));

    ExtractedDocument doc = EXTRACTOR.extract(pdf);

    assertThat(doc.mimeType()).isEqualTo("application/pdf");
    assertThat(doc.title()).isEqualTo("Lake Guide");
    assertThat(doc.text())
        .isEqualTo("Lakes hold the tables.\n\nBeams move the data.\n\nVectors find the answers.");
    assertThat(doc.metadata()).containsEntry("pages", "2").containsEntry("dc:title", "Lake Guide");
    assertThat(doc.uri()).isEqualTo(pdf.toAbsolutePath().toUri().toString());
    assertThat(doc.sizeBytes()).isEqualTo(Files.size(pdf));
    assertThat(doc.contentHash()).isEqualTo(ExtractionAssertions.sha256(pdf));
    assertThat(doc.truncated()).isFalse();
  }

  @Test
  void docxPutsHeadingsAndParagraphsOnTheirOwnLines() throws Exception {
    Path docx =
        TestDocuments.docx(
            dir,
            "install.docx",
            "Install Guide",
            "# Installation",
            "Download the archive.",
            "Unpack it next to the lake.",
            "## Configuration",
            "Edit lakebeam.yaml.");

    ExtractedDocument doc = EXTRACTOR.extract(docx);

    assertThat(doc.mimeType())
        .isEqualTo("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    assertThat(doc.title()).isEqualTo("Install Guide");
    assertThat(doc.text())
        .isEqualTo(
            "Installation\n\nDownload the archive.\n\nUnpack it next to the lake.\n\n"
                + "Configuration\n\nEdit lakebeam.yaml.");
    assertThat(doc.metadata()).containsKeys("dc:title", "dcterms:created", "Content-Type");
  }

  @Test
  void htmlGivesBodyTextWithoutScriptsOrStyles() throws Exception {
    Path html =
        TestDocuments.write(
            dir.resolve("page.html"),
            """
            <!DOCTYPE html>
            <html lang="en"><head><title>Lake Notes</title>
            <style>body { color: red }</style>
            <script>var secretToken = "do-not-index";</script></head>
            <body><h1>Welcome</h1><p>First paragraph.</p><p>Second <b>bold</b> paragraph.</p>
            <ul><li>one</li><li>two</li></ul>
            <table><tr><td>name</td><td>size</td></tr><tr><td>lake</td><td>9</td></tr></table>
            <script>document.write("also hidden")</script></body></html>
            """);

    ExtractedDocument doc = EXTRACTOR.extract(html);

    assertThat(doc.mimeType()).isEqualTo("text/html");
    assertThat(doc.title()).isEqualTo("Lake Notes");
    assertThat(doc.language()).isEqualTo("en");
    assertThat(doc.text())
        .isEqualTo(
            "Welcome\n\nFirst paragraph.\n\nSecond bold paragraph.\n\none\ntwo\n\n"
                + "name\tsize\nlake\t9")
        .doesNotContain("secretToken", "color", "hidden", "Lake Notes");
  }

  @Test
  void markdownKeepsItsHeadingLinesAndBlankLines() throws Exception {
    String markdown = "# Lakebeam\n\nA *vector* lakebase.\n\n## Install\n\n- build\n- run\n";
    Path md = TestDocuments.write(dir.resolve("README.md"), markdown);

    ExtractedDocument doc = EXTRACTOR.extract(md);

    assertThat(doc.mimeType()).isEqualTo("text/markdown");
    assertThat(doc.text()).isEqualTo(markdown.strip());
    assertThat(doc.title()).isNull();
  }

  @Test
  void plainTextWithACommaPerLineStaysProseWhileCsvBecomesRows() throws Exception {
    String prose = "Lakes hold tables, beams move data.\nVectors find answers, quickly.\n";
    Path txt = TestDocuments.write(dir.resolve("notes.txt"), prose);
    StringBuilder rows = new StringBuilder("name,size\n");
    for (int i = 0; i < 20; i++) {
      rows.append("lake-").append(i).append(',').append(i * 10).append('\n');
    }
    Path csv = TestDocuments.write(dir.resolve("sizes.csv"), rows.toString());

    ExtractedDocument text = EXTRACTOR.extract(txt);
    ExtractedDocument table = EXTRACTOR.extract(csv);

    assertThat(text.mimeType()).isEqualTo("text/plain");
    assertThat(text.text()).isEqualTo(prose.strip());
    assertThat(table.mimeType()).isEqualTo("text/csv");
    assertThat(table.text()).startsWith("name\tsize\nlake-0\t0\nlake-1\t10\n").hasLineCount(21);
  }

  @Test
  void emailGivesBodyThenAttachmentText() throws Exception {
    Path attachment =
        TestDocuments.docx(dir, "checklist.docx", "Checklist", "# Steps", "Tag the release.");
    Path eml =
        TestDocuments.eml(
            dir,
            "release.eml",
            "Hello Bob,\n\nthe checklist is attached.",
            attachment,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document");

    ExtractedDocument doc = EXTRACTOR.extract(eml);

    assertThat(doc.mimeType()).isEqualTo("message/rfc822");
    assertThat(doc.title()).isEqualTo("Release checklist");
    assertThat(doc.embeddedCount()).isEqualTo(1);
    assertThat(doc.text())
        .isEqualTo("Hello Bob,\n\nthe checklist is attached.\n\nSteps\n\nTag the release.");
    assertThat(doc.metadata())
        .containsEntry("Message-From", "Alice Example <alice@example.com>")
        .containsEntry("dcterms:created", "2026-03-03T10:00:00Z")
        .doesNotContainKey("embedded-failures");
  }

  @Test
  void emailWithABrokenAttachmentKeepsItsBodyAndCountsTheFailure() throws Exception {
    Path brokenPdf =
        TestDocuments.write(
            dir.resolve("broken.pdf"),
            TestDocuments.concat("%PDF-1.7\n".getBytes(), TestDocuments.randomBytes(3, 3_000)));
    Path eml = TestDocuments.eml(dir, "broken.eml", "See the scan.", brokenPdf, "application/pdf");

    ExtractedDocument doc = EXTRACTOR.extract(eml);

    assertThat(doc.text()).isEqualTo("See the scan.");
    assertThat(doc.metadata()).containsEntry("embedded-failures", "1");
  }

  @Test
  void streamAndPathOfTheSameBytesGiveTheSameDocument() throws Exception {
    Path html =
        TestDocuments.write(
            dir.resolve("same.html"), "<html><body><p>Same bytes, same text.</p></body></html>");
    ExtractedDocument fromPath = EXTRACTOR.extract(html);

    ExtractedDocument fromStream =
        EXTRACTOR.extract(
            "s3://bucket/docs/same.html", Files.size(html), () -> Files.newInputStream(html));

    assertThat(fromStream.uri()).isEqualTo("s3://bucket/docs/same.html");
    assertThat(fromStream.contentHash()).isEqualTo(fromPath.contentHash());
    assertThat(fromStream.text()).isEqualTo(fromPath.text()).isEqualTo("Same bytes, same text.");
    assertThat(fromStream.mimeType()).isEqualTo("text/html");
  }
}
