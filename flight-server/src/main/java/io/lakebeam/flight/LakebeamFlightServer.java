package io.lakebeam.flight;

import io.lakebeam.core.lake.Lakehouse;
import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The Lakebeam Arrow Flight server: vector search, parallel batch reads, inserts and administration
 * over one lakehouse.
 *
 * <pre>{@code
 * try (Lakehouse lake = Lakehouse.open("./lakehouse");
 *     LakebeamFlightServer server = LakebeamFlightServer.builder(lake).port(8815).build().start()) {
 *   server.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Owns its allocator, producer and Flight server and closes them in reverse order.
 */
public final class LakebeamFlightServer implements AutoCloseable {
  /** How long {@link #close()} waits for calls in progress to finish their work. */
  static final long CLOSE_WAIT_SECONDS = 10;

  private final BufferAllocator allocator;
  private final ExecutorService executor;
  private final FlightServer server;
  private final LakebeamProducer producer;
  private final String host;

  private LakebeamFlightServer(Builder b) {
    this.allocator = new RootAllocator(b.limits.arrowMemoryBytes());
    this.host = b.host;
    // Our own executor for the producer's work (DoGet/DoPut bodies), so that close() can wait for
    // it: gRPC's termination does not wait for it, and closing the allocator under a running
    // call reports its buffers as leaked.
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "lakebeam-flight-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.producer = new LakebeamProducer(b.lake, allocator, b.refreshMillis, b.limits);
    FlightServer.Builder fb =
        FlightServer.builder(allocator, Location.forGrpcInsecure(b.host, b.port), producer)
            .executor(executor)
            .maxInboundMessageSize(b.limits.maxMessageBytes())
            .backpressureThreshold(b.limits.streamBufferBytes());
    if (b.token != null && !b.token.isEmpty()) {
      fb.headerAuthenticator(new BearerTokenAuthenticator(b.token));
    }
    this.server = fb.build();
  }

  public static Builder builder(Lakehouse lake) {
    return new Builder(lake);
  }

  /** Options of a server; defaults: host 127.0.0.1, port 8815, no token, 1 s metadata refresh. */
  public static final class Builder {
    private final Lakehouse lake;
    private String host = "127.0.0.1";
    private int port = 8815;
    private String token;
    private long refreshMillis = 1000;
    private ServerLimits limits = ServerLimits.defaults();

    private Builder(Lakehouse lake) {
      this.lake = lake;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port; 0 picks a free one (see {@link LakebeamFlightServer#port()}). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("Cannot listen on port " + port + ": use 0..65535");
      }
      this.port = port;
      return this;
    }

    /** Requires {@code authorization: Bearer <token>} on every call when non-empty. */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /** How stale table metadata may be before a request reloads it. */
    public Builder metadataRefreshMillis(long millis) {
      this.refreshMillis = millis;
      return this;
    }

    /** What requests may ask of the server; default {@link ServerLimits#defaults()}. */
    public Builder limits(ServerLimits limits) {
      this.limits = java.util.Objects.requireNonNull(limits, "limits");
      return this;
    }

    public LakebeamFlightServer build() {
      return new LakebeamFlightServer(this);
    }
  }

  public LakebeamFlightServer start() throws IOException {
    server.start();
    producer.warmIndexes();
    return this;
  }

  public int port() {
    return server.getPort();
  }

  public String uri() {
    return "grpc://" + host + ":" + port();
  }

  /** The most Arrow memory the server holds at once ({@link ServerLimits#arrowMemoryBytes()}). */
  long allocatorLimit() {
    return allocator.getLimit();
  }

  /** Calls doing work now; the others wait for a turn (see {@link ServerLimits}). */
  int callsRunning() {
    return producer.callsRunning();
  }

  /** Calls waiting for a turn now. */
  int callsWaiting() {
    return producer.callsWaiting();
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws Exception {
    try {
      server.shutdown();
      server.awaitTermination(5, TimeUnit.SECONDS);
      server.close();
    } finally {
      producer.close();
      executor.shutdown();
      if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
        executor.shutdownNow();
        executor.awaitTermination(1, TimeUnit.SECONDS);
      }
      allocator.close();
    }
  }
}
