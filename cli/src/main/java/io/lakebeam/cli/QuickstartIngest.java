package io.lakebeam.cli;

import io.lakebeam.runners.Runner;
import io.lakebeam.runners.Runners;
import io.lakebeam.transforms.documents.DocumentIngest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;

/**
 * The quickstart's offline step: copies a few real documents that Debian installs into the
 * lakehouse's sample folder and runs the Beam documents pipeline on them (Direct runner).
 */
final class QuickstartIngest {
  static final String NAMESPACE = "quickstart_kb";
  private static final long MAX_BYTES = 6_000;

  private QuickstartIngest() {}

  /** Copies up to {@code count} small READMEs and licences into {@code raw}; returns how many. */
  static int collect(Path raw, int count) throws IOException {
    Files.createDirectories(raw);
    List<Path> picked;
    try (Stream<Path> docs = Files.walk(Path.of("/usr/share/doc"), 2);
        Stream<Path> licences = Files.list(Path.of("/usr/share/common-licenses"))) {
      picked =
          Stream.concat(licences, docs.filter(p -> p.getFileName().toString().startsWith("README")))
              .filter(Files::isRegularFile)
              .filter(p -> size(p) > 200 && size(p) <= MAX_BYTES)
              .filter(p -> !p.toString().endsWith(".gz"))
              .sorted()
              .limit(count)
              .toList();
    }
    for (Path p : picked) {
      String name = p.getParent().getFileName() + "-" + p.getFileName();
      Files.copy(p, raw.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
    return picked.size();
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return -1;
    }
  }

  /** Runs extract, chunk, embed and write on {@code raw}; returns the pipeline's result. */
  static PipelineResult run(DocumentIngest ingest) {
    Pipeline p = Pipeline.create(Runners.options(Runner.DIRECT));
    ingest.applyTo(p);
    PipelineResult result = p.run();
    result.waitUntilFinish();
    return result;
  }
}
