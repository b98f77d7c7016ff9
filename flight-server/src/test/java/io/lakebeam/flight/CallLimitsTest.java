package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calls beyond the concurrency limit queue, then are refused; a slow reader holds the server back
 * instead of being buffered a whole table, and a cancelled or timed-out read frees its turn.
 */
class CallLimitsTest {
  @TempDir Path dir;

  /** Waits (at most 30 s, however loaded the machine) for a condition the server reaches. */
  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime() - deadline).as("waiting for: %s", what).isNegative();
      Thread.sleep(5);
    }
  }

  /** Starts a DoPut that sends one batch and then holds its call open; the caller completes it. */
  static FlightClient.ClientStreamListener holdPut(
      FlightFixture f, VectorSchemaRoot root, SyncPutListener ack) {
    FlightClient.ClientStreamListener w =
        f.client.startPut(FlightDescriptor.path("docs"), root, ack);
    w.putNext();
    return w;
  }

  @Test
  void callsBeyondTheLimitQueueAndThenAreRefused() throws Exception {
    ServerLimits limits = ServerLimits.defaults().withMaxConcurrentCalls(1).withMaxQueuedCalls(1);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      List<float[]> v = ErrorsTest.seed(f);
      try (VectorSchemaRoot root = f.docsBatch(100, v.subList(0, 3), false);
          SyncPutListener ack = new SyncPutListener()) {
        FlightClient.ClientStreamListener put = holdPut(f, root, ack);
        await("the put holds the only turn", () -> f.server.callsRunning() == 1);
        CompletableFuture<Map<String, Object>> queued =
            CompletableFuture.supplyAsync(() -> f.action("list_collections", Map.of()));
        await("a call waits for a turn", () -> f.server.callsWaiting() == 1);
        assertFlightError(
            () -> f.action("describe_collection", Map.of("collection", "docs")),
            FlightStatusCode.RESOURCE_EXHAUSTED,
            "busy",
            "--max-concurrent-calls 1 --max-queued-calls 1");
        assertThat(queued).isNotDone();
        put.completed();
        put.getResult();
        ack.read().close();
        assertThat(queued.get(30, TimeUnit.SECONDS)).containsKey("collections");
      }
      assertThat(f.describe("docs")).containsEntry("row_count", 33);
    }
  }

  /** 16 files of 200 rows with 4 KB texts: 16 batches of ~800 KB, far beyond gRPC's windows. */
  static void seedLargeRows(FlightFixture f) throws Exception {
    f.createDocs("docs");
    String text = "x".repeat(4096);
    for (int file = 0; file < 16; file++) {
      try (VectorSchemaRoot root =
          f.docsBatch(file * 200L, FlightFixture.vectors(200, file), false)) {
        VarCharVector t = (VarCharVector) root.getVector("text");
        for (int i = 0; i < 200; i++) {
          t.setSafe(i, text.getBytes(StandardCharsets.UTF_8));
        }
        root.setRowCount(200);
        f.put(FlightDescriptor.path("docs"), root);
      }
    }
  }

  static FlightStream openRead(FlightFixture f) {
    Map<String, Object> cmd = Map.of("type", "read", "collection", "docs", "splits", 1);
    FlightInfo info = f.client.getInfo(FlightDescriptor.command(Json.bytes(cmd)));
    assertThat(info.getEndpoints()).hasSize(1);
    return f.client.getStream(info.getEndpoints().get(0).getTicket());
  }

  @Test
  void aSlowReaderHoldsTheServerBackUntilTheCallTimeRunsOut() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withMaxCallTime(Duration.ofSeconds(3))
            .withStreamBufferBytes(256 * 1024);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      seedLargeRows(f);
      try (FlightStream stream = openRead(f)) {
        assertThat(stream.next()).isTrue();
        // the client stops reading: the server waits for it instead of buffering the rest, until
        // the call's time is up
        await("the read gives up its turn", () -> f.server.callsRunning() == 0);
        FlightRuntimeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                FlightRuntimeException.class,
                () -> {
                  while (stream.next()) {
                    // drain what was sent before the server stopped
                  }
                });
        assertThat(e).as("the read must not complete: the client was too slow").isNotNull();
        assertThat(e.status().code()).isEqualTo(FlightStatusCode.TIMED_OUT);
        assertThat(e.getMessage()).contains("lakebeam serve --max-call-time");
      }
      assertThat(f.action("list_collections", Map.of())).containsKey("collections");
    }
  }

  @Test
  void aCancelledReadStopsAndFreesItsTurn() throws Exception {
    ServerLimits limits =
        ServerLimits.defaults()
            .withMaxConcurrentCalls(1)
            .withMaxQueuedCalls(1)
            .withStreamBufferBytes(256 * 1024);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      seedLargeRows(f);
      await("the inserts are done", () -> f.server.callsRunning() == 0);
      FlightStream stream = openRead(f);
      assertThat(stream.next()).isTrue();
      assertThat(f.server.callsRunning()).isEqualTo(1); // held back by the reader
      stream.cancel("the client is done", null);
      await("the cancelled read gives up its turn", () -> f.server.callsRunning() == 0);
      try {
        stream.close();
      } catch (Exception expected) {
        // closing a cancelled stream may report the cancellation
      }
      assertThat(f.action("list_collections", Map.of())).containsKey("collections");
    }
  }
}
