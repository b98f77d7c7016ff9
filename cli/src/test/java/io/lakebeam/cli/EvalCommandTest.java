package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.eval.EvalFixture;
import io.lakebeam.core.eval.EvalResultRow;
import io.lakebeam.core.eval.EvalResults;
import io.lakebeam.core.lake.Lakehouse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lakebeam eval}: a table on stdout, rows appended per run, and errors that say what to do.
 */
class EvalCommandTest {
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
  void printsATableAndAppendsOneRowPerSystemAndMetric() throws Exception {
    String lakeDir = dir.resolve("lake").toString();
    try (Lakehouse lake = Lakehouse.open(lakeDir)) {
      EvalFixture data = EvalFixture.chunks(lake, 200, 3, 5);
      List<Integer> targets = IntStream.range(0, 40).boxed().toList();
      data.queries(lake, targets, 6);
      Map<String, Map<String, Integer>> judged = new LinkedHashMap<>();
      targets.forEach(t -> judged.put("q" + t, Map.of("d" + t, 1)));
      EvalFixture.qrels(lake, "kb.eval_qrels", judged);
    }
    String[] eval = {
      "eval",
      "kb.chunks",
      "--lakehouse",
      lakeDir,
      "--queries",
      "kb.eval_queries",
      "--qrels",
      "kb.eval_qrels",
      "--systems",
      "vector:embedding",
      "--k",
      "5"
    };
    Run missingIndex = run(eval);
    assertThat(missingIndex.code()).isEqualTo(1);
    assertThat(missingIndex.err())
        .contains("field 'embedding' has no vector index")
        .contains("lakebeam index build kb.chunks --field embedding");
    assertThat(
            run("index", "build", "kb.chunks", "--field", "embedding", "--lakehouse", lakeDir)
                .code())
        .isZero();

    Run first = run(eval);
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out())
        .contains("vector:embedding", "ndcg@10", "recall@5", "mrr@5", "40 queries");
    assertThat(run(eval).code()).isZero(); // a second run appends
    try (Lakehouse lake = Lakehouse.open(lakeDir)) {
      List<EvalResultRow> rows = EvalResults.read(lake, "kb.eval_results");
      assertThat(rows).hasSize(6);
      assertThat(rows.stream().map(EvalResultRow::runId).distinct()).hasSize(2);
      assertThat(rows).allSatisfy(r -> assertThat(r.value()).isGreaterThan(0.95));
    }

    Run unknownMetric = run(append(eval, "--metrics", "ndcg@10,map@10"));
    assertThat(unknownMetric.code()).isEqualTo(1);
    assertThat(unknownMetric.err()).contains("Cannot evaluate metric 'map@10'");
    Run wrongColumn = run(append(eval, "--doc-id-column", "chunk_id"));
    assertThat(wrongColumn.code()).isEqualTo(1);
    assertThat(wrongColumn.err())
        .contains("none of the 40 doc ids in the qrels")
        .contains("its column 'chunk_id'");
  }

  private static String[] append(String[] args, String... more) {
    String[] out = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, out, args.length, more.length);
    return out;
  }
}
