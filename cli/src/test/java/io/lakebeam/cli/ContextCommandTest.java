package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakebeam context}: bad specs and missing packages end in one clear line and exit 1. */
class ContextCommandTest {
  @TempDir Path dir;

  private record Run(int code, String out, String err) {}

  private Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  @Test
  void specErrorsAndMissingPackagesAreOneLine() throws Exception {
    String lake = dir.resolve("lake").toString();
    Path example = Path.of("../context-packages/examples/support-kb.yaml");
    Path typo = dir.resolve("typo.yaml");
    Files.writeString(typo, Files.readString(example).replace("rerank:", "rerankk:"));
    Run bad = run("context", "build", typo.toString(), "--lakehouse", lake);
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.err())
        .startsWith("error: Cannot read context package spec " + typo)
        .contains("unknown key 'rerankk' in the top level (did you mean 'rerank'?)");

    Run noSource = run("context", "build", example.toString(), "--lakehouse", lake);
    assertThat(noSource.code()).isEqualTo(1);
    assertThat(noSource.err())
        .contains(
            "Cannot build context package 'support-kb': source collection 'corpus.chunks'"
                + " does not exist");

    Run show = run("context", "show", "support-kb", "--topic", "x", "--lakehouse", lake);
    assertThat(show.code()).isEqualTo(1);
    assertThat(show.err()).contains("table 'context.packages' does not exist");
  }
}
