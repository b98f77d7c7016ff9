package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fresh server's first request used to load a collection's table metadata beside the start-up
 * warm-up loading the same: requests must wait for the open in progress.
 */
class CollectionCacheTest {
  @TempDir Path dir;

  @Test
  void requestsForACollectionBeingOpenedWaitForThatOpen() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      lake.createCollection(
          "docs", Map.of("id", "long", "embedding", "float_vector(4)"), Metric.COSINE, false);
      AtomicInteger opens = new AtomicInteger();
      CountDownLatch started = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try (CollectionCache cache =
          new CollectionCache(
              lake,
              60_000,
              name -> {
                opens.incrementAndGet();
                started.countDown();
                await(release);
                return lake.collection(name);
              })) {
        Future<Collection> first = pool.submit(() -> cache.get("docs"));
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        Future<Collection> second = pool.submit(() -> cache.get("docs"));
        Future<Collection> third = pool.submit(() -> cache.get("docs"));
        Thread.sleep(100); // both reach the open in progress
        assertThat(second.isDone() || third.isDone()).isFalse();
        release.countDown();
        Collection c = first.get(10, TimeUnit.SECONDS);
        assertThat(second.get(10, TimeUnit.SECONDS)).isSameAs(c);
        assertThat(third.get(10, TimeUnit.SECONDS)).isSameAs(c);
        assertThat(cache.get("docs")).isSameAs(c);
        assertThat(opens.get()).as("table metadata loads").isEqualTo(1);
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void anUnknownCollectionFailsEveryWaitingRequestWithItsOwnError() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString());
        CollectionCache cache = new CollectionCache(lake, 60_000)) {
      assertThatThrownBy(() -> cache.get("nope"))
          .isInstanceOf(LakebeamException.class)
          .hasMessageContaining("nope");
      // a failed open leaves nothing behind: the next request tries again
      lake.createCollection(
          "nope", Map.of("id", "long", "embedding", "float_vector(4)"), Metric.COSINE, false);
      assertThat(cache.get("nope").name()).isEqualTo("nope");
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
