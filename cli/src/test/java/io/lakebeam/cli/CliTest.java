package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.ParquetFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end: register, index, search, describe, refresh, errors. */
class CliTest {
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
  void serveRejectsADiskCacheSizeItCannotRead() {
    Run r =
        run("serve", "--lakehouse", dir.resolve("lake").toString(), "--disk-cache-size", "lots");
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).contains("Cannot parse size: 'lots'").contains("512m, 20g");
  }

  @Test
  void registerIndexSearchDescribe() throws Exception {
    Path data = Files.createDirectories(dir.resolve("data"));
    ParquetFixtures.write(data.resolve("a.parquet"), 0, 40, 8, 1);
    String lake = dir.resolve("lake").toString();
    Run refused =
        run("collection", "create-external", "docs", "--lakehouse", lake, "--src", data.toString());
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.err()).contains("is not under a source root this server allows");
    Run created =
        run(
            "collection",
            "create-external",
            "docs",
            "--lakehouse",
            lake,
            "--src",
            data + "/*.parquet",
            "--allow-source",
            data.toString(),
            "--schema",
            "text=string,embedding=float_vector(8)");
    assertThat(created.code()).as(created.err()).isZero();
    assertThat(created.out()).contains("\"addedFiles\" : 1");
    Run built = run("index", "build", "docs", "--lakehouse", lake, "--field", "embedding");
    assertThat(built.code()).as(built.err()).isZero();
    assertThat(built.out()).contains("\"rows_indexed\" : 40");

    float[] q = ParquetFixtures.vector(1, 3, 8);
    StringBuilder v = new StringBuilder();
    for (float x : q) {
      v.append(v.length() == 0 ? "" : ",").append(x);
    }
    Run found =
        run(
            "search",
            "docs",
            "--lakehouse",
            lake,
            "--vector",
            v.toString(),
            "-k",
            "2",
            "--output-fields",
            "text,lang",
            "--filter",
            "year >= 2010");
    assertThat(found.code()).as(found.err()).isZero();
    assertThat(found.out()).contains("\"_pos\" : 3").contains("\"text\" : \"row 3\"");

    Run described = run("collection", "describe", "docs", "--lakehouse", lake);
    assertThat(described.out()).contains("\"stale\" : false").contains("float_vector(8)");
    Run listed = run("collection", "list", "--lakehouse", lake);
    assertThat(listed.out().trim()).isEqualTo("docs");

    ParquetFixtures.write(data.resolve("b.parquet"), 40, 10, 8, 2);
    Run refreshed =
        run(
            "collection",
            "refresh",
            "docs",
            "--lakehouse",
            lake,
            "--allow-source",
            data.toString());
    assertThat(refreshed.out())
        .contains("\"addedFiles\" : 1")
        .contains("\"mode\" : \"incremental\"");
  }

  @Test
  void errorsSayWhatToDo() {
    String lake = dir.resolve("lake").toString();
    Run missing = run("collection", "describe", "nope", "--lakehouse", lake);
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("error: Collection 'nope' does not exist");
    Run badSchema =
        run(
            "collection",
            "create",
            "c",
            "--lakehouse",
            lake,
            "--schema",
            "embedding=float_vector(x)");
    assertThat(badSchema.code()).isEqualTo(1);
    assertThat(badSchema.err()).contains("Cannot parse type");
    Run usage = run("search");
    assertThat(usage.code()).isEqualTo(2);
  }
}
