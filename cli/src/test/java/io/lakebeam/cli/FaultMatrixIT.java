package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.LiveRows;
import io.lakebeam.core.read.TableState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.apache.iceberg.data.Record;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault matrix of issue 15: ingest, write-back, Flight insert, index build and compaction are
 * each killed with SIGKILL at a seeded random point, then run again; every row is then present
 * exactly once.
 *
 * <p>CI runs the smoke size (5 kills, one per stage). The full matrix: {@code mvn -B -pl cli test
 * -Dtest=FaultMatrixIT -Dsurefire.failIfNoSpecifiedTests=false -Dlakebeam.faults.kills=60}; it
 * prints one line per run and the totals, which bench/RESULTS.md records. {@code
 * -Dlakebeam.faults.stages=COMPACTION,INSERT} runs only those stages.
 */
class FaultMatrixIT {
  static final int KILLS = Integer.getInteger("lakebeam.faults.kills", 5);
  static final long SEED = Long.getLong("lakebeam.faults.seed", 15L);
  static final FaultStage[] STAGES = stages(System.getProperty("lakebeam.faults.stages", ""));

  static final int DIM = 16;
  static final int ROWS = 3000;

  @TempDir Path dir;

  /** What one run found: whether the kill hit a live process, and the rows checked. */
  record Outcome(boolean killed, long expected, long lost, long duplicated) {}

  @Test
  void killedStagesRerunToExactlyTheirRows() throws Exception {
    Random random = new Random(SEED);
    Map<FaultStage, long[]> tally = new EnumMap<>(FaultStage.class);
    Map<FaultStage, Long> windows = new EnumMap<>(FaultStage.class);
    FaultStages stages = new FaultStages(dir, DIM, ROWS);
    int kills = 0;
    for (int run = 0; kills < KILLS && run < 3 * KILLS; run++) {
      FaultStage stage = STAGES[run % STAGES.length];
      long runStart = System.nanoTime();
      Path lake = Files.createDirectories(dir.resolve("run-" + run));
      long window = windows.computeIfAbsent(stage, s -> stages.cleanRunMillis(s));
      assertThat(window).as("clean run time of %s", stage).isPositive();
      long killAfter = (long) (random.nextDouble() * 0.85 * window); // the seeded kill point
      Outcome o = stages.killAndRerun(stage, lake, killAfter, random.nextLong());
      System.out.printf(
          "fault matrix run %d: %s killed after %d ms (%s): %d rows, %d lost, %d duplicated"
              + " (%d ms)%n",
          run,
          stage,
          killAfter,
          o.killed() ? "killed" : "had finished",
          o.expected(),
          o.lost(),
          o.duplicated(),
          (System.nanoTime() - runStart) / 1_000_000);
      long[] t = tally.computeIfAbsent(stage, s -> new long[4]);
      t[0] += o.killed() ? 1 : 0;
      t[1] += o.expected();
      t[2] += o.lost();
      t[3] += o.duplicated();
      kills += o.killed() ? 1 : 0;
      if (stages.lastRanMillis() > 0) {
        windows.put(stage, stages.lastRanMillis()); // it ran quicker than the window: aim earlier
      }
      deleteQuietly(lake);
    }
    long lost = 0;
    long duplicated = 0;
    for (var e : tally.entrySet()) {
      long[] t = e.getValue();
      System.out.printf(
          "fault matrix total %s: %d kills, %d rows checked, %d lost, %d duplicated%n",
          e.getKey(), t[0], t[1], t[2], t[3]);
      lost += t[2];
      duplicated += t[3];
    }
    System.out.printf(
        "fault matrix: %d kills (seed %d), %d rows lost, %d duplicated%n",
        kills, SEED, lost, duplicated);
    assertThat(kills).as("kills that hit a running process").isPositive();
    assertThat(lost).as("rows lost").isZero();
    assertThat(duplicated).as("rows duplicated").isZero();
  }

  /** The stages named (comma-separated), or all of them when none is. */
  static FaultStage[] stages(String names) {
    FaultStage[] named =
        java.util.Arrays.stream(names.split(","))
            .map(String::trim)
            .filter(n -> !n.isEmpty())
            .map(n -> FaultStage.valueOf(n.toUpperCase(java.util.Locale.ROOT)))
            .toArray(FaultStage[]::new);
    return named.length == 0 ? FaultStage.values() : named;
  }

  /** Counts the {@code expected} values among {@code found}: missing ones and extra copies. */
  static Outcome check(boolean killed, List<?> expected, List<?> found) {
    Map<Object, Long> counts =
        found.stream()
            .collect(
                java.util.stream.Collectors.groupingBy(
                    Objects::requireNonNull, java.util.stream.Collectors.counting()));
    long lost = expected.stream().filter(id -> !counts.containsKey(id)).count();
    long duplicated = counts.values().stream().mapToLong(c -> c - 1).sum();
    return new Outcome(killed, expected.size(), lost, duplicated);
  }

  /** The values of {@code column} of every live row of {@code collection}. */
  static List<Object> column(Path lake, String collection, String column) {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.collection(collection);
      return LiveRows.readAll(c.table(), TableState.of(c.table()), c.schema().select(column))
          .stream()
          .map((Record r) -> r.getField(column))
          .toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A collection "docs" of {@code rows} TestData rows (ids 0 to rows-1). */
  static void createDocs(Path lake, int rows, int dim) {
    try (Lakehouse l = Lakehouse.open(lake.toString())) {
      Collection c = l.createCollection("docs", TestData.schema(dim), Metric.COSINE, false);
      if (rows > 0) {
        TestData.insert(c, 0, rows, dim, 7);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path p) {
    try (var files = Files.walk(p)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // the temporary directory is removed at the end anyway
    }
  }
}
