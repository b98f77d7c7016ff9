package io.lakebeam.transforms.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import io.lakebeam.core.read.TableState;
import io.lakebeam.core.write.KeyedCommit;
import io.lakebeam.runners.Runner;
import io.lakebeam.transforms.Pipelines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;
import org.apache.iceberg.CatalogProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lake.write commits a job's rows once, however often the job runs, and never drops rows. */
class LakeWriteOnceTest {
  private static final Schema ROWS =
      Schema.builder().addStringField("id").addInt64Field("n").build();

  @TempDir Path dir;

  private static List<Row> rows(int count, long seed) {
    List<Row> rows =
        new ArrayList<>(
            IntStream.range(0, count)
                .mapToObj(i -> Row.withSchema(ROWS).addValues("r-" + i, (long) i).build())
                .toList());
    Collections.shuffle(rows, new Random(seed));
    return rows;
  }

  private static void write(Lakehouse lake, List<Row> rows, LakeWrite write) {
    Pipelines.run(Runner.DIRECT, p -> p.apply(Create.of(rows).withRowSchema(ROWS)).apply(write));
  }

  private static long liveRows(Lakehouse lake) {
    return TableState.of(lake.collection("t.items").refreshMetadata().table()).liveRowCount();
  }

  @Test
  void aRerunOfTheSameInputCommitsNothing() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      write(lake, rows(300, 1), Lake.write(lake, "t.items").withRowsPerFile(50));
      long first = lake.collection("t.items").refreshMetadata().snapshotId();
      // a restarted job: rebuilt pipeline, rows in another order and other bundles
      write(lake, rows(300, 2), Lake.write(lake, "t.items").withRowsPerFile(70));

      assertThat(liveRows(lake)).isEqualTo(300);
      assertThat(lake.collection("t.items").snapshotId()).isEqualTo(first);
      assertThat(lake.collection("t.items").table().currentSnapshot().summary())
          .hasEntrySatisfying(KeyedCommit.WRITE_ID, id -> assertThat(id).startsWith("beam-rows-"));

      write(lake, rows(301, 1), Lake.write(lake, "t.items"));
      assertThat(liveRows(lake)).as("other input is another write").isEqualTo(601);
    }
  }

  @Test
  void anExplicitWriteIdIsCommittedOnce() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      write(lake, rows(40, 1), Lake.write(lake, "t.items").withWriteId("nightly-2026-12-04"));
      write(lake, rows(50, 1), Lake.write(lake, "t.items").withWriteId("nightly-2026-12-04"));
      assertThat(liveRows(lake)).isEqualTo(40);
      write(lake, rows(40, 1), Lake.write(lake, "t.items").withWriteId("nightly-2026-12-05"));
      assertThat(liveRows(lake)).as("the same rows under a new id are appended").isEqualTo(80);
    }
    assertThatThrownBy(() -> Lake.write(Lakehouse.open(dir.toString()), "t.items").withWriteId(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Cannot use write id ' ': give 1 to 200 printable characters");
  }

  @Test
  void anIoErrorFailsTheBundleInsteadOfSendingRowsToTheFailures() throws Exception {
    // Not under @TempDir: when the failed bundle fails the pipeline, the Direct runner's other
    // bundles may still be writing files here, and JUnit's cleanup then fails on a non-empty
    // folder.
    Path warehouse = Files.createTempDirectory("lakebeam-write-once-");
    Map<String, String> props =
        Map.of(
            LakehouseConfig.WAREHOUSE,
            warehouse.toString(),
            CatalogProperties.FILE_IO_IMPL,
            CloseFailingFileIO.class.getName());
    try (Lakehouse lake = Lakehouse.open(LakehouseConfig.of(props))) {
      CloseFailingFileIO.arm();
      assertThatThrownBy(
              () ->
                  Pipelines.run(
                      Runner.DIRECT,
                      p -> {
                        try (BadRecordErrorHandler<PCollection<Row>> failures =
                            p.registerBadRecordErrorHandler(
                                Lake.writeFailures(lake, "t.failures"))) {
                          p.apply(Create.of(rows(200, 3)).withRowSchema(ROWS))
                              .apply(
                                  Lake.write(lake, "t.items")
                                      .withRowsPerFile(10)
                                      .withBadRecordErrorHandler(failures));
                        }
                      }))
          .hasStackTraceContaining("injected: no space left on device");
      assertThat(liveRows(lake)).isZero();
      if (lake.listCollections().contains("t.failures")) {
        assertThat(
                TableState.of(lake.collection("t.failures").refreshMetadata().table())
                    .liveRowCount())
            .as("no row was sent to the failures table")
            .isZero();
      }
    } finally {
      deleteQuietly(warehouse);
    }
  }

  /** Best effort: files a late bundle writes after this are left to the OS's temp cleanup. */
  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | UncheckedIOException e) {
      // a folder that changed while walking it: leave the rest
    }
  }
}
