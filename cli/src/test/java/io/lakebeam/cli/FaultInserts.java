package io.lakebeam.cli;

import io.lakebeam.cli.FaultMatrixIT.Outcome;
import io.lakebeam.core.TestData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.arrow.flight.CallOptions;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The insert stage of the fault matrix: a client sends batches through {@code DoPut}, batch {@code
 * i} under the idempotency key {@code batch-i}, to a server in its own process; when the server is
 * killed, the client sends every batch it has no acknowledgement for again, to a restarted server,
 * with the same keys (what the Python client does on its own retries).
 */
final class FaultInserts implements AutoCloseable {
  static final int BATCHES = 20;

  private final CliProcess server;
  private final RootAllocator allocator = new RootAllocator();
  private final FlightClient client;
  private final int dim;
  private final int rows;
  private final boolean[] acked;

  private FaultInserts(CliProcess server, Location uri, int dim, int rows, boolean[] acked) {
    this.server = server;
    this.client = FlightClient.builder(allocator, uri).build();
    this.dim = dim;
    this.rows = rows;
    this.acked = acked;
  }

  static FaultInserts start(Path lake, int dim, int rows) throws Exception {
    return start(lake, dim, rows, new boolean[BATCHES]);
  }

  private static FaultInserts start(Path lake, int dim, int rows, boolean[] acked)
      throws Exception {
    CliProcess server = CliProcess.start("serve", "--lakehouse", lake.toString(), "--port", "0");
    return new FaultInserts(server, new Location(server.serverUri()), dim, rows, acked);
  }

  /** Kills the server after {@code killAfterMillis} of puts, restarts it and resends. */
  static Outcome killAndRetry(Path lake, int dim, int rows, long killAfterMillis) throws Exception {
    boolean[] acked = new boolean[BATCHES];
    boolean killed;
    try (FaultInserts first = start(lake, dim, rows, acked)) {
      Thread sender = new Thread(first::sendUntilFailure, "fault-insert-client");
      sender.start();
      Thread.sleep(killAfterMillis); // the seeded kill point, not a synchronisation
      boolean sending = sender.isAlive();
      killed = first.server.kill() && sending;
      sender.join(TimeUnit.MINUTES.toMillis(2));
    }
    try (FaultInserts again = start(lake, dim, rows, acked)) {
      again.sendAll();
    }
    return FaultMatrixIT.check(
        killed,
        LongStream.range(0, rows).boxed().map(Object.class::cast).toList(),
        FaultMatrixIT.column(lake, "docs", "id"));
  }

  /** Sends every batch without an acknowledgement; fails on the first error. */
  void sendAll() throws Exception {
    for (int i = 0; i < BATCHES; i++) {
      if (!acked[i]) {
        put(i);
        acked[i] = true;
      }
    }
  }

  /** Sends batches until the server stops answering. */
  private void sendUntilFailure() {
    try {
      sendAll();
    } catch (FlightRuntimeException expected) {
      // the server was killed under the put
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void put(int batch) throws Exception {
    int per = rows / BATCHES;
    String cmd =
        "{\"v\": 1, \"type\": \"insert\", \"collection\": \"docs\", \"idempotency_key\": \"batch-"
            + batch
            + "\"}";
    FlightDescriptor d = FlightDescriptor.command(cmd.getBytes(StandardCharsets.UTF_8));
    try (VectorSchemaRoot root = batch(batch * per, per, batch);
        SyncPutListener listener = new SyncPutListener()) {
      FlightClient.ClientStreamListener w =
          client.startPut(d, root, listener, CallOptions.timeout(60, TimeUnit.SECONDS));
      w.putNext();
      w.completed();
      w.getResult();
      try (PutResult ignored = listener.read()) {
        // the acknowledgement
      }
    }
  }

  private VectorSchemaRoot batch(long firstId, int n, long seed) {
    Field id = Field.nullable("id", new ArrowType.Int(64, true));
    Field embedding =
        new Field(
            "embedding",
            FieldType.nullable(new ArrowType.List()),
            List.of(
                Field.nullable(
                    "item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))));
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(id, embedding)), allocator);
    BigIntVector ids = (BigIntVector) root.getVector("id");
    ListVector vectors = (ListVector) root.getVector("embedding");
    ids.allocateNew(n);
    UnionListWriter w = vectors.getWriter();
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      ids.set(i, firstId + i);
      w.setPosition(i);
      w.startList();
      for (float x : TestData.vector(random, dim)) {
        w.float4().writeFloat4(x);
      }
      w.endList();
    }
    ids.setValueCount(n);
    vectors.setValueCount(n);
    root.setRowCount(n);
    return root;
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
      allocator.close();
    } catch (IllegalStateException leakAfterAKilledPut) {
      // a put broken off by the kill may leave client buffers behind; not what is tested here
    } finally {
      server.kill();
    }
  }
}
