package io.lakebeam.cli;

import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.flight.LakebeamFlightServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lakebeam serve}: runs the Arrow Flight server until interrupted. */
@Command(name = "serve", description = "Serve search and batch reads over Arrow Flight.")
final class ServeCommand implements Callable<Integer> {
  @Mixin LakehouseOption lakehouse;

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
      names = "--token",
      description = "Require 'authorization: Bearer <token>' (default: $LAKEBEAM_TOKEN)")
  String token;

  @Option(
      names = "--memory",
      description =
          "Heap budget for loaded indexes (e.g. 2g, 512m): full vectors or quantized codes;"
              + " beyond it the least recently searched segments are served warm from"
              + " memory-mapped files (default: 40% of the heap)")
  String memory;

  @Override
  public Integer call() throws Exception {
    if (memory != null) {
      System.setProperty("lakebeam.memory.bytes", Long.toString(ByteSize.parse(memory)));
    }
    String t = token != null ? token : System.getenv("LAKEBEAM_TOKEN");
    try (Lakehouse lake = lakehouse.open();
        LakebeamFlightServer server =
            LakebeamFlightServer.builder(lake).host(host).port(port).token(t).build().start()) {
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
      System.out.println("Lakebeam Flight server listening on " + server.uri());
      System.out.println(
          "Lakehouse: "
              + lake.config().warehouse()
              + " ("
              + lake.listCollections().size()
              + " collections)");
      System.out.flush();
      server.awaitTermination();
    }
    return 0;
  }
}
