package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.write.KeyedCommit;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An insert retried with the same idempotency key (its acknowledgement lost) adds nothing. */
class InsertIdempotencyTest {
  @TempDir Path dir;

  @Test
  void retriedInsertWithTheSameKeyReturnsTheFirstResultAndAddsNothing() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      Map<String, Object> first = put(f, "key-1", 0, 40);
      Map<String, Object> retried = put(f, "key-1", 0, 40);

      assertThat(first).containsEntry("rows", 40).containsEntry("data_files", 1);
      assertThat(retried).isEqualTo(first);
      assertThat(f.describe("docs")).containsEntry("row_count", 40);
      assertThat(f.lake.collection("docs").table().currentSnapshot().summary())
          .containsEntry(KeyedCommit.WRITE_ID, "insert:key-1");

      put(f, "key-2", 40, 10);
      assertThat(f.describe("docs")).containsEntry("row_count", 50);
    }
  }

  @Test
  void theKeyHoldsAcrossAServerRestart() throws Exception {
    Map<String, Object> first;
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      first = put(f, "before-restart", 0, 30);
    }
    try (FlightFixture f = FlightFixture.start(dir)) {
      assertThat(put(f, "before-restart", 0, 30)).isEqualTo(first);
      assertThat(f.describe("docs")).containsEntry("row_count", 30);
    }
  }

  @Test
  void concurrentRetriesOfOneKeyCommitOnce() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<Map<String, Object>>> puts = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
          Callable<Map<String, Object>> put = () -> put(f, "racing", 0, 25);
          puts.add(pool.submit(put));
        }
        Map<String, Object> first = puts.get(0).get();
        for (Future<Map<String, Object>> p : puts) {
          assertThat(p.get()).isEqualTo(first);
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(f.describe("docs")).containsEntry("row_count", 25);
    }
  }

  @Test
  void putsWithoutAKeyStillAppend() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      f.putDocs("docs", 0, FlightFixture.vectors(20, 1));
      f.putDocs("docs", 0, FlightFixture.vectors(20, 1));
      assertThat(f.describe("docs")).containsEntry("row_count", 40);
    }
  }

  @Test
  void aBlankOrOverlongKeyIsInvalid() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      assertFlightError(
          () -> put(f, " ", 0, 5),
          FlightStatusCode.INVALID_ARGUMENT,
          "'idempotency_key' must be 1 to 256 printable characters");
      assertFlightError(
          () -> put(f, "k".repeat(257), 0, 5),
          FlightStatusCode.INVALID_ARGUMENT,
          "'idempotency_key' must be 1 to 256");
      assertThat(f.describe("docs")).containsEntry("row_count", 0);
    }
  }

  private static Map<String, Object> put(FlightFixture f, String key, long firstId, int rows)
      throws Exception {
    Map<String, Object> cmd = new LinkedHashMap<>();
    cmd.put("v", 1);
    cmd.put("type", "insert");
    cmd.put("collection", "docs");
    cmd.put("idempotency_key", key);
    FlightDescriptor d = FlightDescriptor.command(Json.bytes(cmd));
    try (VectorSchemaRoot root = f.docsBatch(firstId, FlightFixture.vectors(rows, 7), false)) {
      return f.put(d, root);
    }
  }
}
