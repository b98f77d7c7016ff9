package io.lakebeam.multimodal.documents;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The extractor's spool files in the temporary directory, to check that none are left behind. */
final class TemporaryFiles {

  private TemporaryFiles() {}

  static List<Path> spooled() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("lakebeam-extract-")).toList();
    }
  }
}
