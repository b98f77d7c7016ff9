package io.lakebeam.multimodal.documents;

import static io.lakebeam.multimodal.documents.ExtractionAssertions.failsWith;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of bad input fails with its own reason and a message saying what to do. */
class ExtractionFailureTest {

  private static final DocumentExtractor EXTRACTOR = DocumentExtractor.create();

  @TempDir Path dir;

  @Test
  void garbledPdfIsCorrupt() throws Exception {
    byte[] garbled =
        TestDocuments.concat("%PDF-1.7\n".getBytes(), TestDocuments.randomBytes(3, 3_000));
    Path pdf = TestDocuments.write(dir.resolve("garbled.pdf"), garbled);

    ExtractionException e = failsWith(ExtractionFailure.CORRUPT, () -> EXTRACTOR.extract(pdf));

    assertThat(e.getMessage())
        .contains("garbled.pdf: the application/pdf document is corrupt or truncated")
        .contains("re-export or re-upload the original");
    assertThat(e.uri()).isEqualTo(pdf.toAbsolutePath().toUri().toString());
  }

  @Test
  void truncatedPdfIsCorrupt() throws Exception {
    byte[] whole =
        Files.readAllBytes(
            TestDocuments.pdf(dir, "whole.pdf", "Whole", List.of(List.of("Complete text."))));
    Path pdf = TestDocuments.write(dir.resolve("half.pdf"), Arrays.copyOf(whole, whole.length / 2));

    failsWith(ExtractionFailure.CORRUPT, () -> EXTRACTOR.extract(pdf));
  }

  @Test
  void passwordProtectedPdfIsEncrypted() throws Exception {
    Path pdf = TestDocuments.encryptedPdf(dir, "salaries.pdf");

    ExtractionException e = failsWith(ExtractionFailure.ENCRYPTED, () -> EXTRACTOR.extract(pdf));

    assertThat(e.getMessage())
        .contains("document is encrypted")
        .contains("decrypt it")
        .doesNotContain("Salaries");
  }

  @Test
  void emptyFileIsEmpty() throws Exception {
    Path empty = TestDocuments.write(dir.resolve("empty.pdf"), new byte[0]);

    ExtractionException e = failsWith(ExtractionFailure.EMPTY, () -> EXTRACTOR.extract(empty));

    assertThat(e.getMessage()).contains("the file is empty (0 bytes)");
  }

  @Test
  void emptyStreamIsEmpty() {
    failsWith(
        ExtractionFailure.EMPTY,
        () -> EXTRACTOR.extract("s3://bucket/empty.txt", -1, () -> InputStream.nullInputStream()));
  }

  @Test
  void whitespaceOnlyTextHasNoText() throws Exception {
    Path blank = TestDocuments.write(dir.resolve("blank.txt"), "   \n\n\t  \r\n \u00A0 \n");

    ExtractionException e = failsWith(ExtractionFailure.NO_TEXT, () -> EXTRACTOR.extract(blank));

    assertThat(e.getMessage()).contains("the text/plain document has no extractable text");
  }

  @Test
  void randomBytesAreAnUnsupportedFormat() throws Exception {
    Path junk = TestDocuments.write(dir.resolve("junk.bin"), TestDocuments.randomBytes(42, 65_536));

    ExtractionException e =
        failsWith(ExtractionFailure.UNSUPPORTED_FORMAT, () -> EXTRACTOR.extract(junk));

    assertThat(e.getMessage()).contains("no parser reads its format (application/octet-stream)");
  }

  @Test
  void randomBytesNamedAsTextHaveNoTextRatherThanGarbage() throws Exception {
    Path junk = TestDocuments.write(dir.resolve("junk.txt"), TestDocuments.randomBytes(7, 65_536));

    ExtractionException e = failsWith(ExtractionFailure.NO_TEXT, () -> EXTRACTOR.extract(junk));

    assertThat(e.getMessage()).contains("look like binary data");
  }

  @Test
  void missingPathIsNotFound() {
    Path missing = dir.resolve("nowhere/missing.pdf");

    ExtractionException e =
        failsWith(ExtractionFailure.NOT_FOUND, () -> EXTRACTOR.extract(missing));

    assertThat(e.getMessage()).contains("missing.pdf: no such file; check the path or URI");
  }

  @Test
  void sourceThatCannotFindItsObjectIsNotFound() {
    failsWith(
        ExtractionFailure.NOT_FOUND,
        () ->
            EXTRACTOR.extract(
                "s3://bucket/gone.pdf",
                -1,
                () -> {
                  throw new NoSuchFileException("s3://bucket/gone.pdf");
                }));
  }

  @Test
  void readErrorMidStreamIsIoAndLeavesNoTemporaryFile() throws Exception {
    List<Path> before = TemporaryFiles.spooled();
    InputStreamSupplier failing =
        () ->
            new FilterInputStream(new ByteArrayInputStream(new byte[100_000])) {
              private int reads;

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                if (++reads > 1) {
                  throw new IOException("connection reset by peer");
                }
                return super.read(b, off, len);
              }
            };

    ExtractionException e =
        failsWith(
            ExtractionFailure.IO, () -> EXTRACTOR.extract("s3://bucket/big.pdf", -1, failing));

    assertThat(e.getMessage()).contains("connection reset by peer").contains("retry");
    assertThat(TemporaryFiles.spooled()).containsExactlyInAnyOrderElementsOf(before);
  }
}
