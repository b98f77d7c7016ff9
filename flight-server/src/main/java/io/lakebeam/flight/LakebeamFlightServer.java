package io.lakebeam.flight;

import io.lakebeam.core.lake.Lakehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
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

  /**
   * No OpenCensus stats or tracing per call: gRPC turns them on when grpc-census is on the class
   * path (Beam brings it), and nothing reads them; they were 8% of a hot search's server samples.
   */
  private static final java.util.function.Consumer<io.grpc.netty.NettyServerBuilder> GRPC_TUNING =
      nb -> {
        io.grpc.netty.InternalNettyServerBuilder.setStatsEnabled(nb, false);
        io.grpc.netty.InternalNettyServerBuilder.setTracingEnabled(nb, false);
      };

  private final BufferAllocator allocator;
  private final ExecutorService executor;
  private final FlightServer server;
  private final LakebeamService service;
  private final LakebeamProducer producer;
  private final RestServer rest;
  private final String host;

  private final boolean tls;

  private LakebeamFlightServer(Builder b) throws IOException {
    Supplier<AccessConfig> tokens = b.tokens();
    this.tls = b.tlsCert != null;
    BindCheck.check(b.host, tls, tokens != null, b.insecure);
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
    this.service =
        new LakebeamService(b.lake, allocator, b.refreshMillis, new Authorizer(tokens), b.limits);
    this.producer = new LakebeamProducer(service);
    Location location =
        tls ? Location.forGrpcTls(b.host, b.port) : Location.forGrpcInsecure(b.host, b.port);
    FlightServer.Builder fb =
        FlightServer.builder(allocator, location, producer)
            .executor(executor)
            .maxInboundMessageSize(b.limits.maxMessageBytes())
            .backpressureThreshold(b.limits.streamBufferBytes())
            .transportHint("grpc.builderConsumer", GRPC_TUNING);
    if (tls) {
      fb.useTls(b.tlsCert.toFile(), b.tlsKey.toFile());
      if (b.tlsClientCa != null) {
        fb.useMTlsClientVerification(b.tlsClientCa.toFile());
      }
    }
    if (tokens != null) {
      fb.headerAuthenticator(new BearerTokenAuthenticator(tokens));
    }
    this.server = fb.build();
    this.rest =
        b.restPort < 0
            ? null
            : new RestServer(service, b.host, b.restPort, tokens, b.tlsCert, b.tlsKey);
  }

  public static Builder builder(Lakehouse lake) {
    return new Builder(lake);
  }

  /**
   * Options of a server; defaults: host 127.0.0.1, port 8815, no TLS, no token, 1 s metadata
   * refresh. A host other than loopback needs TLS and a token, or {@link #insecure}.
   */
  public static final class Builder {
    private final Lakehouse lake;
    private String host = "127.0.0.1";
    private int port = 8815;
    private String token;
    private Path authConfig;
    private Path tlsCert;
    private Path tlsKey;
    private Path tlsClientCa;
    private boolean insecure;
    private long refreshMillis = 1000;
    private ServerLimits limits = ServerLimits.defaults();
    private int restPort = -1;

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

    /**
     * Requires {@code authorization: Bearer <token>} on every call when non-empty; this token is an
     * admin of every namespace (beside those of {@link #authConfig}).
     */
    public Builder token(String token) {
      this.token = token;
      return this;
    }

    /**
     * Tokens with {@code read}/{@code write}/{@code admin} per namespace from a JSON file, reloaded
     * when it changes (see docs/configuration.md, <em>Tokens and roles</em>); default none.
     */
    public Builder authConfig(Path file) {
      this.authConfig = file;
      return this;
    }

    /** Serves {@code grpc+tls://} with a PEM certificate chain and PKCS#8 PEM private key. */
    public Builder tls(Path certChain, Path privateKey) {
      this.tlsCert = readable(certChain, "TLS certificate chain");
      this.tlsKey = readable(privateKey, "TLS private key");
      return this;
    }

    /** Mutual TLS: accepts only clients whose certificate this PEM CA bundle signed. */
    public Builder tlsClientCa(Path caCerts) {
      this.tlsClientCa = readable(caCerts, "TLS client CA");
      return this;
    }

    /** Allows a non-loopback host without TLS or without a token (default false). */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
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

    /**
     * Also serves the REST/JSON API (docs/rest-api.md) on this port, 0 for a free one; default -1:
     * no REST API. It shares the host, tokens, TLS certificate and limits of the Flight port.
     */
    public Builder restPort(int port) {
      if (port < -1 || port > 65535) {
        throw new IllegalArgumentException(
            "Cannot serve REST on port " + port + ": use 0..65535, or -1 for none");
      }
      this.restPort = port;
      return this;
    }

    /** Builds the server; fails on a non-loopback host without TLS and tokens (unless insecure). */
    public LakebeamFlightServer build() {
      if (tlsClientCa != null && restPort >= 0) {
        throw new IllegalArgumentException(
            "Cannot serve the REST API with --tls-client-ca: client certificates are checked on"
                + " the Flight port only; leave out --rest-port or --tls-client-ca");
      }
      if (tlsClientCa != null && tlsCert == null) {
        throw new IllegalArgumentException(
            "Cannot verify client certificates without TLS: add --tls-cert FILE --tls-key FILE");
      }
      try {
        return new LakebeamFlightServer(this);
      } catch (IOException e) {
        throw new IllegalArgumentException("Cannot set up TLS: " + e.getMessage(), e);
      }
    }

    /** The tokens the server accepts, or null for a server without authentication. */
    private Supplier<AccessConfig> tokens() {
      String admin = token == null || token.isEmpty() ? null : token;
      if (authConfig != null) {
        return AccessConfigFile.load(authConfig, admin);
      }
      if (admin != null) {
        AccessConfig config = AccessConfig.adminToken(admin);
        return () -> config;
      }
      return null;
    }

    private static Path readable(Path file, String what) {
      if (!Files.isReadable(file)) {
        throw new IllegalArgumentException(
            "Cannot read the " + what + " " + file + ": give a readable PEM file");
      }
      return file;
    }
  }

  public LakebeamFlightServer start() throws IOException {
    server.start();
    if (rest != null) {
      rest.start();
    }
    service.warmIndexes();
    return this;
  }

  /**
   * True once every collection's table, index and search path are warmed after {@link #start()}:
   * the first client search is then as fast as the rest ({@code server_status} says {@code ready}).
   */
  public boolean isReady() {
    return service.warmup().ready();
  }

  /** Waits until {@link #isReady()}; false on timeout. */
  public boolean awaitReady(long timeout, TimeUnit unit) throws InterruptedException {
    return service.warmup().awaitReady(timeout, unit);
  }

  /** The warm-up of this server (for tests). */
  IndexWarmup warmup() {
    return service.warmup();
  }

  /** Milliseconds the start-up warm-up took, or -1 while it runs. */
  public long warmupMillis() {
    return service.warmup().startupMillis();
  }

  public int port() {
    return server.getPort();
  }

  /** The service layer that Flight and REST calls share (for tests). */
  LakebeamService service() {
    return service;
  }

  /** The REST API's port; -1 when it is off. */
  public int restPort() {
    return rest == null ? -1 : rest.port();
  }

  /** The REST API's base URI ({@code http://127.0.0.1:8816}); null when it is off. */
  public String restUri() {
    return rest == null ? null : rest.uri();
  }

  public String uri() {
    return (tls ? "grpc+tls://" : "grpc://") + host + ":" + port();
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
      if (rest != null) {
        rest.close();
      }
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
