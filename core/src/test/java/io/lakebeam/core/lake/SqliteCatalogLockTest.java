package io.lakebeam.core.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SQLite catalog opened a second time (its tables exist) leaves no connection holding the
 * database lock: another catalog over the same file commits at once. Before {@link
 * JdbcCatalogPool}, Iceberg's unclosed metadata cursor held the lock and the commit failed with
 * {@code SQLITE_BUSY} after {@code busy_timeout}; so did an insert into a restarted server.
 */
class SqliteCatalogLockTest {
  @TempDir Path dir;

  @Test
  void aReopenedCatalogDoesNotBlockCommitsOfAnother() throws Exception {
    LakehouseConfig config =
        LakehouseConfig.of(
            Map.of(
                "warehouse",
                dir.resolve("wh").toString(),
                "catalog.type",
                "jdbc",
                "catalog.uri",
                "jdbc:sqlite:" + dir.resolve("catalog.db"),
                // fail fast instead of waiting 30 s if a lock is held
                "jdbc.busy_timeout",
                "1000"));
    try (Lakehouse first = Lakehouse.open(config)) {
      first.createCollection("docs", TestData.schema(4), Metric.COSINE, false);
    }
    try (Lakehouse reader = Lakehouse.open(config);
        Lakehouse writer = Lakehouse.open(config)) {
      assertThat(reader.collection("docs").name()).isEqualTo("docs");

      TestData.insert(writer.collection("docs"), 0, 10, 4, 1);
      writer.collection("docs").table().updateProperties().set("k", "v").commit();
      TestData.insert(reader.collection("docs"), 10, 10, 4, 2);

      assertThat(reader.collection("docs").refreshMetadata().table().properties())
          .containsEntry("k", "v");
      assertThat(
              io.lakebeam.core.read.TableState.of(
                      writer.collection("docs").refreshMetadata().table())
                  .liveRowCount())
          .isEqualTo(20);
    }
  }
}
