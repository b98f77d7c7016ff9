package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.assertFlightError;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Calls beyond the concurrency limit queue, then are refused; a finished call frees its turn. */
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
}
