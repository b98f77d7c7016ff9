package io.lakebeam.flight;

import static io.lakebeam.flight.CallLimitsTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow reader holds the server back instead of being buffered a whole table; a read that runs
 * past the server's call time, the client's deadline, or is cancelled stops and frees its turn.
 */
class ReadFlowControlTest {
  @TempDir Path dir;

  /** 8 files of 200 rows with 16 KB texts: 8 batches of ~3 MB (tiny files: the texts compress). */
  static void seedLargeRows(FlightFixture f) throws Exception {
    f.createDocs("docs");
    String text = "x".repeat(16_384);
    for (int file = 0; file < 8; file++) {
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
            .withStreamBufferBytes(64 * 1024);
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
  void aClientDeadlineStopsTheServersWork() throws Exception {
    ServerLimits limits = ServerLimits.defaults().withStreamBufferBytes(64 * 1024);
    try (FlightFixture f = FlightFixture.start(dir, b -> b.limits(limits))) {
      seedLargeRows(f);
      Map<String, Object> cmd = Map.of("type", "read", "collection", "docs", "splits", 1);
      FlightInfo info = f.client.getInfo(FlightDescriptor.command(Json.bytes(cmd)));
      try (FlightStream stream =
          f.client.getStream(
              info.getEndpoints().get(0).getTicket(),
              org.apache.arrow.flight.CallOptions.timeout(2, TimeUnit.SECONDS))) {
        assertThat(stream.next()).isTrue();
        // the server's own limit is 10 minutes: only the client's deadline can end the call
        await("the deadline ends the read on the server", () -> f.server.callsRunning() == 0);
        FlightRuntimeException e =
            org.assertj.core.api.Assertions.catchThrowableOfType(
                FlightRuntimeException.class,
                () -> {
                  while (stream.next()) {
                    // drain what was sent before the deadline
                  }
                });
        assertThat(e).isNotNull();
        assertThat(e.status().code()).isIn(FlightStatusCode.TIMED_OUT, FlightStatusCode.CANCELLED);
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
            .withStreamBufferBytes(64 * 1024);
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
