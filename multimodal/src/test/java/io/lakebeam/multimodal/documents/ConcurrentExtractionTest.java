package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One extractor shared by several threads gives each the same result it gives alone. */
class ConcurrentExtractionTest {

  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void fourThreadsShareOneExtractor() throws Exception {
    List<Path> files =
        List.of(
            TestDocuments.pdf(dir, "a.pdf", "PDF", List.of(List.of("Portable text.", "More."))),
            TestDocuments.docx(dir, "b.docx", "DOCX", "# Word", "Processed text."),
            TestDocuments.write(
                dir.resolve("c.html"), "<html><title>HTML</title><body><p>Hyper text.</p></html>"),
            TestDocuments.write(dir.resolve("d.md"), TestDocuments.paragraphs(200)));
    DocumentExtractor extractor = DocumentExtractor.create();
    List<ExtractedDocument> alone = new ArrayList<>();
    for (Path file : files) {
      alone.add(extractor.extract(file));
    }

    ExecutorService pool = Executors.newFixedThreadPool(files.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<List<ExtractedDocument>>> results = new ArrayList<>();
      for (Path file : files) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<ExtractedDocument> docs = new ArrayList<>();
                  for (int round = 0; round < ROUNDS; round++) {
                    docs.add(extractor.extract(file));
                  }
                  return docs;
                }));
      }
      start.countDown();

      for (int i = 0; i < files.size(); i++) {
        assertThat(results.get(i).get()).hasSize(ROUNDS).containsOnly(alone.get(i));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(alone)
        .extracting(ExtractedDocument::mimeType)
        .containsExactly(
            "application/pdf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "text/html",
            "text/markdown");
  }
}
