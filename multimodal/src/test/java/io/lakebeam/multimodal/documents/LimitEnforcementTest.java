package io.lakebeam.multimodal.documents;

import static io.lakebeam.multimodal.documents.ExtractionAssertions.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size, text, time, embedding and zip-bomb limits stop a document and say which limit did. */
class LimitEnforcementTest {

  private static final DocumentExtractor EXTRACTOR = DocumentExtractor.create();

  @TempDir Path dir;

  @Test
  void fileOverMaxFileBytesIsTooLarge() throws Exception {
    DocumentExtractor small =
        DocumentExtractor.create(ExtractionLimits.defaults().withMaxFileBytes(1_024));
    Path file = TestDocuments.write(dir.resolve("notes.txt"), TestDocuments.paragraphs(100));

    ExtractionException e = failsWith(ExtractionFailure.TOO_LARGE, () -> small.extract(file));

    assertThat(e.getMessage())
        .contains("the file is " + String.format("%,d", Files.size(file)) + " bytes")
        .contains("over the limit of 1,024 bytes")
        .contains("ExtractionLimits.withMaxFileBytes(...)");
  }

  @Test
  void streamOverMaxFileBytesIsTooLargeWhenItsSizeIsUnknown() throws Exception {
    DocumentExtractor small =
        DocumentExtractor.create(ExtractionLimits.defaults().withMaxFileBytes(1_024));
    Path file = TestDocuments.write(dir.resolve("notes.txt"), TestDocuments.paragraphs(100));
    List<Path> before = TemporaryFiles.spooled();

    ExtractionException e =
        failsWith(
            ExtractionFailure.TOO_LARGE,
            () -> small.extract("s3://bucket/notes.txt", -1, () -> Files.newInputStream(file)));

    assertThat(e.getMessage()).contains("the stream has more than the limit of 1,024 bytes");
    assertThat(TemporaryFiles.spooled()).containsExactlyInAnyOrderElementsOf(before);
  }

  @Test
  void declaredSizeOverTheLimitFailsWithoutOpeningTheSource() {
    AtomicBoolean opened = new AtomicBoolean();

    failsWith(
        ExtractionFailure.TOO_LARGE,
        () ->
            EXTRACTOR.extract(
                "s3://bucket/huge.pdf",
                ExtractionLimits.DEFAULT_MAX_FILE_BYTES + 1,
                () -> {
                  opened.set(true);
                  throw new AssertionError("must not be opened");
                }));

    assertThat(opened).isFalse();
  }

  @Test
  void sparse200MegabyteFileIsTooLargeUnderTheDefaultLimitWithoutBeingRead() throws Exception {
    Path sparse = dir.resolve("huge.pdf");
    try (RandomAccessFile file = new RandomAccessFile(sparse.toFile(), "rw")) {
      file.setLength(200L << 20);
    }
    long start = System.nanoTime();

    ExtractionException e = failsWith(ExtractionFailure.TOO_LARGE, () -> EXTRACTOR.extract(sparse));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    assertThat(e.getMessage()).contains("209,715,200 bytes, over the limit of 67,108,864 bytes");
  }

  @Test
  void textLongerThanMaxTextCharsIsTruncated() throws Exception {
    String text = TestDocuments.paragraphs(500); // about 24,000 characters
    Path file = TestDocuments.write(dir.resolve("long.txt"), text);
    DocumentExtractor limited =
        DocumentExtractor.create(ExtractionLimits.defaults().withMaxTextChars(1_000));

    ExtractedDocument doc = limited.extract(file);

    assertThat(doc.truncated()).isTrue();
    assertThat(doc.text()).hasSizeBetween(900, 1_000);
    assertThat(text).startsWith(doc.text());
    assertThat(EXTRACTOR.extract(file).truncated()).isFalse();
  }

  @Test
  void parseLongerThanTheTimeoutIsAbandoned() throws Exception {
    Path html =
        TestDocuments.bigHtml(dir, "big.html", 40_000); // about 3 MB, a second or so to parse
    DocumentExtractor hurried =
        DocumentExtractor.create(ExtractionLimits.defaults().withTimeout(Duration.ofMillis(50)));
    List<Path> before = TemporaryFiles.spooled();
    long start = System.nanoTime();

    ExtractionException e =
        failsWith(
            ExtractionFailure.TIMEOUT,
            () -> hurried.extract("file:big.html", -1, () -> Files.newInputStream(html)));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    assertThat(e.getMessage())
        .contains("parsing took longer than the timeout of PT0.05S")
        .contains("ExtractionLimits.withTimeout(...)");
    assertThat(TemporaryFiles.spooled()).containsExactlyInAnyOrderElementsOf(before);
    assertThat(workerThreadsStopWithin(Duration.ofSeconds(10))).isTrue();
    assertThat(EXTRACTOR.extract(html).text())
        .endsWith("Paragraph 39999 of a long page about lakes and vectors.");
  }

  @Test
  void embeddedDocumentsDeeperThanTheLimitAreSkipped() throws Exception {
    Path attachment = TestDocuments.docx(dir, "plan.docx", "Plan", "Attached plan.");
    Path eml = TestDocuments.eml(dir, "plan.eml", "Body only.", attachment, "application/msword");
    DocumentExtractor shallow =
        DocumentExtractor.create(ExtractionLimits.defaults().withMaxEmbeddedDepth(0));

    ExtractedDocument doc = shallow.extract(eml);

    assertThat(doc.text()).isEqualTo("Body only.");
    assertThat(doc.embeddedCount()).isZero();
    assertThat(doc.truncated()).isTrue();
  }

  @Test
  void embeddedDocumentsPastTheCountLimitAreSkipped() throws Exception {
    Path zip =
        TestDocuments.zipOfTexts(
            dir, "parts.zip", List.of("First part.", "Second part.", "Third."));
    DocumentExtractor few =
        DocumentExtractor.create(ExtractionLimits.defaults().withMaxEmbeddedResources(2));

    ExtractedDocument doc = few.extract(zip);

    assertThat(doc.mimeType()).isEqualTo("application/zip");
    assertThat(doc.text()).contains("First part.", "Second part.").doesNotContain("Third.");
    assertThat(doc.embeddedCount()).isEqualTo(2);
    assertThat(doc.truncated()).isTrue();
    assertThat(EXTRACTOR.extract(zip).text()).contains("Third.");
  }

  @Test
  void zipBombInsideADocxIsStoppedBeforeItIsInflated() throws Exception {
    Path bomb = TestDocuments.zipBombDocx(dir, "bomb.docx", 256);
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long allocatedBefore = threads.getTotalThreadAllocatedBytes();
    long start = System.nanoTime();

    ExtractionException e = failsWith(ExtractionFailure.ZIP_BOMB, () -> EXTRACTOR.extract(bomb));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(threads.getTotalThreadAllocatedBytes() - allocatedBefore)
        .as("bytes allocated by all threads while extracting a 256 MiB bomb")
        .isLessThan(32L << 20);
    assertThat(e.getMessage())
        .contains("its zip entries inflate to 268,")
        .contains("a suspected zip bomb")
        .contains("ExtractionLimits.withMaxCompressionRatio(...)");
  }

  @Test
  void gzipBombIsStoppedByTikasOutputRatioGuard() throws Exception {
    Path bomb = TestDocuments.gzipBomb(dir, "letters.txt.gz", 32);
    long start = System.nanoTime();

    ExtractionException e = failsWith(ExtractionFailure.ZIP_BOMB, () -> EXTRACTOR.extract(bomb));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(e.getMessage()).contains("Suspected zip bomb");
  }

  private static boolean workerThreadsStopWithin(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      boolean running =
          Thread.getAllStackTraces().keySet().stream()
              .anyMatch(t -> t.getName().startsWith("lakebeam-extract-") && t.isAlive());
      if (!running) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
