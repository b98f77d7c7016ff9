package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.VectorField;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restarted server opens its collections and warms the whole search path (ticket, graph search,
 * point read of an output column, Arrow reply) before it says it is ready.
 */
class StartupWarmupTest {
  // 200 rows: the warm-up path (ticket, search, point read, reply) is what is tested here, not the
  // graph walk, which QueryPathTest and core's index tests reach at sizes above the brute-force
  // cut.
  private static final int SEARCHES = 20;

  @TempDir Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty("lakebeam.warmup.searches");
  }

  @Test
  void restartedServerWarmsTheRequestPathBeforeItIsReady() throws Exception {
    List<float[]> vectors;
    try (FlightFixture f = FlightFixture.start(dir)) {
      vectors = SearchTest.seed(f);
      SearchTest.createIndex(f);
    }
    System.setProperty("lakebeam.warmup.searches", Integer.toString(SEARCHES));
    try (FlightFixture f = FlightFixture.start(dir)) {
      assertThat(f.server.awaitReady(60, TimeUnit.SECONDS)).isTrue();
      assertThat(f.server.isReady()).isTrue();
      assertThat(f.server.warmup().searchesRun()).isEqualTo(SEARCHES);
      Map<String, Object> status = f.action("server_status", Map.of());
      assertThat(status).containsEntry("ready", true);
      assertThat(((Number) status.get("warmup_ms")).longValue()).isNotNegative();
      // the warmed path answers a client like any other
      List<Map<String, Object>> hits =
          f.search(SearchTest.ticket(List.of(vectors.get(42)), 3, "id"));
      assertThat(FlightFixture.id(hits.get(0))).isEqualTo(42L);

      // one warm-up search on its own: the first scalar column as output, no leak, no error
      Collection c = f.lake.collection("docs");
      VectorField field = c.vectorField("embedding");
      assertThat(RequestPathWarmup.outputColumn(c, field)).containsExactly("id");
      ServerLimits limits = ServerLimits.defaults();
      try (org.apache.arrow.memory.BufferAllocator allocator =
              new org.apache.arrow.memory.RootAllocator(1 << 26);
          CollectionCache cache = new CollectionCache(f.lake, 1000)) {
        RequestPathWarmup path =
            new RequestPathWarmup(cache, allocator, limits, new CallGate(limits));
        assertThat(path.open("docs").name()).isEqualTo("docs");
        path.search(c, field, vectors.get(7)); // fails on a search error; a leak fails close()
      }
    }
  }

  @Test
  void serverIsNotReadyWhileItsWarmupRuns() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      SearchTest.seed(f);
      SearchTest.createIndex(f);
      CountDownLatch release = new CountDownLatch(1);
      IndexWarmup.RequestPath blocked =
          new IndexWarmup.RequestPath() {
            @Override
            public Collection open(String name) {
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              return f.lake.collection(name);
            }

            @Override
            public void search(Collection c, VectorField field, float[] query) {}
          };
      try (IndexWarmup warmup = new IndexWarmup(f.lake, 5, blocked)) {
        warmup.all();
        assertThat(warmup.ready()).isFalse();
        assertThat(warmup.startupMillis()).isEqualTo(-1);
        release.countDown();
        assertThat(warmup.awaitReady(60, TimeUnit.SECONDS)).isTrue();
        assertThat(warmup.searchesRun()).isEqualTo(5);
        assertThat(warmup.startupMillis()).isNotNegative();
      }
    }
  }
}
