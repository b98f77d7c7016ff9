package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.cli.FaultMatrixIT.Outcome;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.apache.iceberg.data.Record;

/**
 * Runs one stage of the fault matrix: starts it in a process of its own, kills it (SIGKILL) after a
 * given delay, runs it again to the end, and counts the rows lost and duplicated.
 */
final class FaultStages {
  private static final int DOCS = 12;

  private final Path dir;
  private final int dim;
  private final int rows;
  private final Path docs;
  private List<Object> referenceChunks;
  private long lastRanMillis = -1;

  FaultStages(Path dir, int dim, int rows) throws IOException {
    this.dir = dir;
    this.dim = dim;
    this.rows = rows;
    this.docs = Files.createDirectories(dir.resolve("docs"));
    writeDocs(docs);
  }

  /**
   * Milliseconds a clean run of {@code stage} takes here: its whole process for the CLI stages
   * (from its first progress line for {@link FaultStage#COMPACTION}), the puts alone for {@link
   * FaultStage#INSERT}. The clean ingest is also the reference run.
   */
  long cleanRunMillis(FaultStage stage) {
    try {
      Path lake = Files.createDirectories(dir.resolve("reference-" + stage));
      prepare(stage, lake);
      if (stage == FaultStage.INSERT) {
        try (FaultInserts inserts = FaultInserts.start(lake, dim, rows)) {
          long putsStart = System.nanoTime();
          inserts.sendAll();
          return (System.nanoTime() - putsStart) / 1_000_000;
        }
      }
      CliProcess p = start(stage, lake);
      assertThat(p.waitFor()).as("clean run of %s", stage).isZero();
      if (stage == FaultStage.INGEST) {
        referenceChunks = FaultMatrixIT.column(lake, "kb.chunks", "chunk_id");
      }
      return p.ranMillis();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("Cannot run " + stage + " cleanly", e);
    }
  }

  /** How long the last CLI process ran when it ended before its kill, else -1. */
  long lastRanMillis() {
    return lastRanMillis;
  }

  /** Kills {@code stage} after {@code killAfterMillis}, reruns it, and checks the rows. */
  Outcome killAndRerun(FaultStage stage, Path lake, long killAfterMillis, long seed)
      throws Exception {
    prepare(stage, lake);
    lastRanMillis = -1;
    if (stage == FaultStage.INSERT) {
      return FaultInserts.killAndRetry(lake, dim, rows, killAfterMillis);
    }
    FaultCompaction.Before before =
        stage == FaultStage.COMPACTION ? FaultCompaction.before(lake, rows, dim) : null;
    CliProcess p = start(stage, lake);
    Thread.sleep(killAfterMillis); // the seeded kill point, not a synchronisation
    boolean killed = p.kill();
    lastRanMillis = p.ranMillis();
    if (stage == FaultStage.COMPACTION) {
      System.out.println("fault matrix: compaction killed " + FaultCompaction.stateAfterKill(lake));
    }
    assertThat(Main.run(args(stage, lake))).as("rerun of %s", stage).isZero();
    return switch (stage) {
      case INGEST ->
          FaultMatrixIT.check(
              killed, referenceChunks, FaultMatrixIT.column(lake, "kb.chunks", "chunk_id"));
      case WRITE_BACK -> checkWriteBack(killed, lake);
      case INDEX_BUILD -> checkIndex(killed, lake);
      case COMPACTION -> {
        assertThat(Main.run(FaultCompaction.gcArgs(lake))).as("gc after compaction").isZero();
        yield FaultCompaction.check(killed, lake, before);
      }
      case INSERT -> throw new AssertionError();
    };
  }

  /** Starts the stage's process; a compaction's kill is timed from its first progress line. */
  private CliProcess start(FaultStage stage, Path lake) throws IOException {
    CliProcess p = CliProcess.start(args(stage, lake));
    return stage == FaultStage.COMPACTION
        ? p.drainedAfter(FaultCompaction.WORK_STARTS)
        : p.drained();
  }

  private void prepare(FaultStage stage, Path lake) {
    if (stage == FaultStage.COMPACTION) {
      FaultCompaction.prepare(lake, rows, dim);
    } else if (stage != FaultStage.INGEST) {
      FaultMatrixIT.createDocs(lake, stage == FaultStage.INSERT ? 0 : rows, dim);
    }
  }

  private String[] args(FaultStage stage, Path lake) {
    String l = lake.toString();
    return switch (stage) {
      case INGEST ->
          new String[] {
            "ingest", "documents", docs.toString(), "--into", "kb", "--lakehouse", l, "--no-index"
          };
      case WRITE_BACK ->
          new String[] {"cluster", "docs", "--k", "4", "--iterations", "3", "--lakehouse", l};
      case INDEX_BUILD ->
          new String[] {"index", "build", "docs", "--field", "embedding", "--lakehouse", l};
      case COMPACTION -> FaultCompaction.compactArgs(lake);
      case INSERT -> throw new IllegalArgumentException("INSERT runs through the server");
    };
  }

  /** Every id once, and every row with its written-back cluster (a null one counts as lost). */
  private Outcome checkWriteBack(boolean killed, Path lake) throws IOException {
    List<Object> ids = new ArrayList<>();
    long missing = 0;
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.collection("docs");
      for (Record r :
          LiveRows.readAll(
              c.table(), TableState.of(c.table()), c.schema().select("id", "cluster_id"))) {
        ids.add(r.getField("id"));
        missing += r.getField("cluster_id") == null ? 1 : 0;
      }
    }
    Outcome o = FaultMatrixIT.check(killed, expectedIds(), ids);
    return new Outcome(killed, o.expected(), o.lost() + missing, o.duplicated());
  }

  /** Every id once in the table, and the index covers exactly the table's rows. */
  private Outcome checkIndex(boolean killed, Path lake) throws IOException {
    Outcome table =
        FaultMatrixIT.check(killed, expectedIds(), FaultMatrixIT.column(lake, "docs", "id"));
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Map<String, Object> index = l.indexes().describe(l.collection("docs")).get(0);
      long indexed = ((Number) index.get("rows")).longValue();
      assertThat(index.get("stale")).as("index after the rerun").isEqualTo(false);
      return new Outcome(
          killed,
          rows,
          table.lost() + Math.max(0, rows - indexed),
          table.duplicated() + Math.max(0, indexed - rows));
    }
  }

  private List<Object> expectedIds() {
    return LongStream.range(0, rows).boxed().map(Object.class::cast).toList();
  }

  private static void writeDocs(Path docs) throws IOException {
    Random random = new Random(15);
    String[] words = {"lake", "snapshot", "commit", "vector", "chunk", "runner", "table", "index"};
    for (int i = 0; i < DOCS; i++) {
      StringBuilder text = new StringBuilder("# Note " + i + "\n\n");
      for (int w = 0; w < 300; w++) {
        text.append(words[random.nextInt(words.length)]).append(w % 15 == 14 ? ".\n\n" : " ");
      }
      Files.writeString(docs.resolve("note-" + i + ".md"), text);
    }
  }
}
