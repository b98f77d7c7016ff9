package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server killed (SIGKILL) in the middle of an index build leaves the table and the previous index
 * valid, and a restarted server builds again.
 */
class ServerCrashIT {
  static final int DIM = 32;
  @TempDir Path dir;

  @Test
  void killDuringIndexBuildKeepsTableAndPreviousIndex() throws Exception {
    List<float[]> first;
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("docs", TestData.schema(DIM), Metric.COSINE, false);
      first = TestData.insert(c, 0, 1000, DIM, 1);
      lake.indexes().build(c, "embedding", null, IndexParams.defaults());
      TestData.insert(c, 1000, 12_000, DIM, 2);
    }
    Process server = startServer();
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, new Location(uri(server))).build()) {
      Thread build =
          new Thread(
              () -> {
                try {
                  action(
                      client,
                      "create_index",
                      "{\"collection\": \"docs\", \"field\": \"embedding\"}");
                } catch (RuntimeException expected) {
                  // the server dies under it
                }
              });
      build.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      boolean building = false;
      while (!building && System.nanoTime() < deadline) {
        building =
            action(client, "describe_collection", "{\"collection\": \"docs\"}")
                .contains("\"building\":true");
        Thread.sleep(20);
      }
      assertThat(building).as("the build started").isTrue();
      Thread.sleep(300);
      server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      build.join(30_000);
    } finally {
      server.destroyForcibly();
    }

    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.collection("docs");
      assertThat(c.describe().get("row_count")).isEqualTo(13_000L);
      List<Map<String, Object>> indexes = lake.indexes().describe(c);
      assertThat(indexes)
          .singleElement()
          .satisfies(
              d -> {
                assertThat(d.get("rows")).isEqualTo(1000L);
                assertThat(d.get("stale")).isEqualTo(true);
              });
      List<SearchHit> hits =
          lake.indexes()
              .search(c, new SearchRequest(null, new float[][] {first.get(5)}, 1, 0, null))
              .get(0);
      assertThat(hits.get(0).pos()).isEqualTo(5);
    }
    Process again = startServer();
    try (RootAllocator allocator = new RootAllocator();
        FlightClient client = FlightClient.builder(allocator, new Location(uri(again))).build()) {
      String built =
          action(client, "create_index", "{\"collection\": \"docs\", \"field\": \"embedding\"}");
      assertThat(built).contains("\"rows_indexed\":13000");
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Process startServer() throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xss16m",
                "-Xmx1g",
                "--add-modules=jdk.incubator.vector",
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                "-cp",
                System.getProperty("java.class.path"),
                "io.lakebeam.cli.Main",
                "serve",
                "--lakehouse",
                dir.toString(),
                "--port",
                "0",
                "--disk-cache",
                dir.resolve("disk-cache").toString(),
                "--disk-cache-size",
                "64m"));
    return new ProcessBuilder(cmd).redirectErrorStream(true).start();
  }

  private static String uri(Process server) throws Exception {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      int at = line.indexOf("listening on ");
      if (at >= 0) {
        Thread drain = new Thread(() -> out.lines().forEach(l -> {}));
        drain.setDaemon(true);
        drain.start();
        return line.substring(at + "listening on ".length()).trim();
      }
    }
    throw new IllegalStateException("server exited before listening");
  }

  private static String action(FlightClient client, String type, String body) {
    var it = client.doAction(new Action(type, body.getBytes(StandardCharsets.UTF_8)));
    Result r = it.next();
    while (it.hasNext()) {
      it.next();
    }
    return new String(r.getBody(), StandardCharsets.UTF_8).replace(" ", "");
  }
}
