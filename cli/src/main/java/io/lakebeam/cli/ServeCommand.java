package io.lakebeam.cli;

import io.lakebeam.core.index.DiskCache;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.flight.LakebeamFlightServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakebeam serve}: runs the Arrow Flight server until interrupted. */
@Command(name = "serve", description = "Serve search and batch reads over Arrow Flight.")
final class ServeCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;
  @Mixin ServerLimitsOptions limits;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to bind (default: ${DEFAULT-VALUE})")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8815",
      description = "Port; 0 picks a free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(
      names = "--rest-port",
      defaultValue = "-1",
      description =
          "Also serve the REST/JSON API (docs/rest-api.md) on this port, 0 for a free one; same"
              + " host, tokens, TLS and limits as Flight (default: off)")
  int restPort;

  @Option(
      names = "--token",
      description = "Require 'authorization: Bearer <token>' (default: $LAKEBEAM_TOKEN)")
  String token;

  @Option(
      names = "--auth-config",
      paramLabel = "FILE",
      description =
          "JSON file of tokens with read/write/admin per namespace, reloaded when it changes"
              + " (see docs/configuration.md); the --token stays an admin of every namespace")
  Path authConfig;

  @Option(
      names = "--tls-cert",
      paramLabel = "FILE",
      description = "PEM certificate chain: serve grpc+tls:// (needs --tls-key)")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "FILE", description = "PKCS#8 PEM private key")
  Path tlsKey;

  @Option(
      names = "--tls-client-ca",
      paramLabel = "FILE",
      description = "PEM CA certificates: mutual TLS, only clients with a certificate they signed")
  Path tlsClientCa;

  @Option(
      names = "--insecure",
      description =
          "Allow a non-loopback --host without TLS or without a token (refused by default)")
  boolean insecure;

  @Option(
      names = "--memory",
      description =
          "Heap budget for loaded indexes (e.g. 2g, 512m): full vectors or quantized codes;"
              + " beyond it the least recently searched segments are served warm from"
              + " memory-mapped files (default: 40% of the heap)")
  String memory;

  @Option(
      names = "--disk-cache",
      paramLabel = "DIR",
      description =
          "Local directory caching index files of object-storage tables"
              + " (default: -Dlakebeam.disk.cache.dir, $LAKEBEAM_CACHE_DIR or"
              + " $TMPDIR/lakebeam-cache-$USER)")
  Path diskCache;

  @Option(
      names = "--disk-cache-size",
      paramLabel = "SIZE",
      description =
          "Most bytes the disk cache keeps, e.g. 512m, 20g or plain bytes (default: the smaller"
              + " of 20g and 80% of the directory's free space)")
  String diskCacheSize;

  @Option(
      names = "--allow-source",
      paramLabel = "DIR|s3://bucket/prefix",
      description =
          "A directory or object-storage prefix that create_external_collection may read;"
              + " repeatable (default: only the lakehouse's warehouse)")
  java.util.List<String> allowSources = new java.util.ArrayList<>();

  @Override
  public Integer call() throws Exception {
    if (memory != null) {
      System.setProperty("lakebeam.memory.bytes", Long.toString(DiskCache.parseSize(memory)));
    }
    limits.applySystemProperties();
    String t = token != null ? token : System.getenv("LAKEBEAM_TOKEN");
    DiskCache cache = DiskCache.configureShared(diskCache, diskCacheSize);
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException(
          "Cannot serve TLS with only one of --tls-cert and --tls-key: give both");
    }
    try (Lakehouse lake = lakehouse.open(allowSources);
        LakebeamFlightServer server = server(lake, t).start()) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      server.close();
                    } catch (Exception ignored) {
                      // exiting
                    }
                  }));
      if (server.restUri() != null) {
        System.out.println("Lakebeam REST API listening on " + server.restUri());
      }
      System.out.println("Lakebeam Flight server listening on " + server.uri());
      System.out.println(
          "Lakehouse: "
              + lake.config().warehouse()
              + " ("
              + lake.listCollections().size()
              + " collections)");
      DiskCache.Stats disk = cache.stats();
      System.out.println("External sources allowed under: " + lake.sourceRoots().roots());
      System.out.printf(
          "Disk cache: %s (budget %d bytes, %d in use)%n",
          disk.dir(), disk.budgetBytes(), disk.usedBytes());
      System.out.flush();
      // the port is open meanwhile; server_status says "ready": false until this line
      server.awaitReady(Long.MAX_VALUE, java.util.concurrent.TimeUnit.MILLISECONDS);
      System.out.printf(
          "Lakebeam server ready on %s: collections, indexes and search path warmed in %d ms%n",
          server.uri(), server.warmupMillis());
      System.out.flush();
      server.awaitTermination();
    }
    return 0;
  }

  private LakebeamFlightServer server(Lakehouse lake, String token) {
    LakebeamFlightServer.Builder b =
        LakebeamFlightServer.builder(lake)
            .host(host)
            .port(port)
            .token(token)
            .insecure(insecure)
            .limits(limits.limits())
            .restPort(restPort);
    if (authConfig != null) {
      b.authConfig(authConfig);
    }
    if (tlsCert != null) {
      b.tls(tlsCert, tlsKey);
    }
    if (tlsClientCa != null) {
      b.tlsClientCa(tlsClientCa);
    }
    return b.build();
  }
}
