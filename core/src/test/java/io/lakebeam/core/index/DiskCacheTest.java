package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskCacheTest {
  @TempDir Path dir;

  static String key(int i) {
    return IndexFiles.sha1("file-" + i);
  }

  static DiskCache.Loader bytes(int n) {
    return tmp -> Files.write(tmp, new byte[n]);
  }

  private static void put(DiskCache cache, int i, int size) {
    cache.acquire(key(i), size, bytes(size)).close();
  }

  @Test
  void onlyHexDigestKeysWithAPlainSuffixNameCacheFiles() throws Exception {
    DiskCache cache = DiskCache.open(dir, 1 << 20);
    String sha = "0123456789abcdef0123456789abcdef01234567";
    cache.acquire(sha, 3, bytes(3)).close();
    cache.acquire(sha + "-1048576-b65536.17", 3, bytes(3)).close();
    cache.acquire(sha + "x".repeat(160), 3, bytes(3)).close();
    for (String bad :
        new String[] {
          sha.substring(1),
          sha.toUpperCase(java.util.Locale.ROOT),
          sha + "/../escape",
          sha + " ",
          sha + "x".repeat(161),
          "g" + sha.substring(1)
        }) {
      assertThatThrownBy(() -> cache.acquire(bad, 3, bytes(3)))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot use cache key");
    }
  }

  @Test
  void evictsLeastRecentlyUsedToStayWithinBudget() {
    DiskCache cache = DiskCache.open(dir, 300);
    put(cache, 1, 100);
    put(cache, 2, 100);
    put(cache, 3, 100);
    cache.get(key(1)).close(); // 2 is now the least recently used
    put(cache, 4, 100);

    assertThat(cache.contains(key(1))).isTrue();
    assertThat(cache.contains(key(2))).isFalse();
    assertThat(Files.exists(dir.resolve(key(2)))).isFalse();
    assertThat(cache.contains(key(3))).isTrue();
    assertThat(cache.contains(key(4))).isTrue();
    DiskCache.Stats s = cache.stats();
    assertThat(s.usedBytes()).isEqualTo(300);
    assertThat(s.files()).isEqualTo(3);
    assertThat(s.evictions()).isEqualTo(1);
    assertThat(s.evictedBytes()).isEqualTo(100);
    assertThat(s.misses()).isEqualTo(4);
    assertThat(s.hits()).isEqualTo(1);
    assertThat(s.toMap()).containsEntry("budget_bytes", 300L).containsKey("pinned_files");
  }

  @Test
  void pinnedFilesAreNotEvictedAndAFullBudgetFailsClearly() {
    DiskCache cache = DiskCache.open(dir, 250);
    DiskCache.Handle pinned = cache.acquire(key(1), 100, bytes(100));
    put(cache, 2, 100);
    put(cache, 3, 100); // evicts 2, not the older but pinned 1
    assertThat(cache.contains(key(1))).isTrue();
    assertThat(cache.contains(key(2))).isFalse();
    assertThat(cache.stats().pinnedFiles()).isEqualTo(1);

    DiskCache.Handle pinned3 = cache.get(key(3));
    assertThatThrownBy(() -> cache.acquire(key(4), 100, bytes(100)))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot cache")
        .hasMessageContaining("in use by loaded index segments")
        .hasMessageContaining("--disk-cache-size");
    assertThat(cache.contains(key(4))).isFalse();
    assertThat(dir.toFile().list()).hasSize(2); // no partial file left behind

    pinned.close();
    pinned3.close();
    put(cache, 4, 100);
    assertThat(cache.contains(key(1))).isFalse();
    assertThat(cache.stats().usedBytes()).isLessThanOrEqualTo(250);
  }

  @Test
  void rebuildsFromTheDirectoryAtStartOldestFirst() throws IOException {
    for (int i = 1; i <= 3; i++) {
      Path f = dir.resolve(key(i));
      Files.write(f, new byte[100]);
      Files.setLastModifiedTime(f, FileTime.fromMillis(1_000_000L * (10 - i))); // 3 is oldest
    }
    Files.writeString(dir.resolve("dl-123.partial"), "interrupted download");
    Files.writeString(dir.resolve("build42.part"), "someone else's scratch file");

    DiskCache cache = DiskCache.open(dir, 300);
    assertThat(cache.stats().files()).isEqualTo(3);
    assertThat(cache.stats().usedBytes()).isEqualTo(300);
    assertThat(Files.exists(dir.resolve("dl-123.partial"))).isFalse();
    assertThat(Files.exists(dir.resolve("build42.part"))).isTrue();
    try (DiskCache.Handle h = cache.get(key(2))) {
      assertThat(h.size()).isEqualTo(100);
    }
    put(cache, 4, 100);
    assertThat(cache.contains(key(3))).isFalse(); // the oldest mtime went first
    assertThat(cache.contains(key(1))).isTrue();

    DiskCache smaller = DiskCache.open(dir, 150); // over budget at start: trimmed at once
    assertThat(smaller.stats().usedBytes()).isLessThanOrEqualTo(150);
  }

  @Test
  void concurrentRequestsForOneKeyDownloadOnce() throws Exception {
    DiskCache cache = DiskCache.open(dir, 1 << 20);
    AtomicInteger downloads = new AtomicInteger();
    CountDownLatch release = new CountDownLatch(1);
    DiskCache.Loader slow =
        tmp -> {
          downloads.incrementAndGet();
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          Files.writeString(tmp, "content");
        };
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<String>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(
            pool.submit(
                () -> {
                  try (DiskCache.Handle h = cache.acquire(key(1), 7, slow)) {
                    ByteBuffer b = ByteBuffer.allocate(7);
                    h.read(0, b);
                    return new String(b.array(), StandardCharsets.UTF_8);
                  }
                }));
      }
      Thread.sleep(100);
      release.countDown();
      for (Future<String> f : results) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo("content");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(downloads).hasValue(1);
    assertThat(cache.stats().pinnedFiles()).isZero();
  }

  @Test
  void aFullDiskEvictsAndRetriesOnce() {
    DiskCache cache = DiskCache.open(dir, 1000);
    put(cache, 1, 100);
    put(cache, 2, 100);
    AtomicInteger attempts = new AtomicInteger();
    DiskCache.Loader fullOnce =
        tmp -> {
          if (attempts.incrementAndGet() == 1) {
            Files.write(tmp, new byte[10]);
            throw new IOException("No space left on device");
          }
          Files.write(tmp, new byte[100]);
        };
    cache.acquire(key(3), 100, fullOnce).close();
    assertThat(attempts).hasValue(2);
    assertThat(cache.contains(key(1))).isFalse(); // evicted to make room
    assertThat(cache.contains(key(3))).isTrue();
    assertThat(dir.toFile().list()).hasSize(2);
  }

  @Test
  void aDiskThatStaysFullFailsWithAClearMessage() {
    DiskCache cache = DiskCache.open(dir, 1000);
    DiskCache.Loader full =
        tmp -> {
          throw new IOException("write failed", new IOException("No space left on device"));
        };
    assertThatThrownBy(() -> cache.acquire(key(1), 100, full))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("is full even after evicting")
        .hasMessageContaining("--disk-cache");
    assertThat(dir.toFile().list()).isEmpty();
    put(cache, 2, 100); // the cache still works
    assertThat(cache.stats().files()).isEqualTo(1);
  }

  @Test
  void aFailedDownloadLeavesNothingAndCanBeRetried() {
    DiskCache cache = DiskCache.open(dir, 1000);
    DiskCache.Loader broken =
        tmp -> {
          Files.write(tmp, new byte[5]);
          throw new IOException("connection reset");
        };
    assertThatThrownBy(() -> cache.acquire(key(1), 100, broken))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("connection reset");
    assertThat(dir.toFile().list()).isEmpty();
    assertThat(cache.stats().usedBytes()).isZero();
    put(cache, 1, 100);
    assertThat(cache.contains(key(1))).isTrue();
  }

  @Test
  void aCachedFileOfAnotherSizeIsReplaced() {
    DiskCache cache = DiskCache.open(dir, 1000);
    put(cache, 1, 50);
    try (DiskCache.Handle h = cache.acquire(key(1), 100, bytes(100))) {
      assertThat(h.size()).isEqualTo(100);
    }
    assertThat(cache.stats().usedBytes()).isEqualTo(100);
  }

  @Test
  void theServerFlagsConfigureTheSharedCache() {
    try {
      DiskCache cache = DiskCache.configureShared(dir.resolve("served"), "1m");
      assertThat(DiskCache.shared()).isSameAs(cache);
      assertThat(cache.dir()).isEqualTo(dir.resolve("served"));
      assertThat(cache.budget()).isEqualTo(1L << 20);
      assertThat(System.getProperty(DiskCache.BYTES_PROPERTY)).isEqualTo("1048576");
    } finally {
      System.clearProperty(DiskCache.DIR_PROPERTY);
      System.clearProperty(DiskCache.BYTES_PROPERTY);
      DiskCache.useShared(null);
    }
  }

  @Test
  void parsesSizes() {
    assertThat(DiskCache.parseSize("1048576")).isEqualTo(1L << 20);
    assertThat(DiskCache.parseSize("512m")).isEqualTo(512L << 20);
    assertThat(DiskCache.parseSize("20g")).isEqualTo(20L << 30);
    assertThat(DiskCache.parseSize("20GiB")).isEqualTo(20L << 30);
    assertThat(DiskCache.parseSize("1.5G")).isEqualTo(3L << 29);
    assertThat(DiskCache.parseSize("64k")).isEqualTo(64L << 10);
    assertThatThrownBy(() -> DiskCache.parseSize("lots"))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot parse size: 'lots'");
    assertThatThrownBy(() -> DiskCache.parseSize("0")).hasMessageContaining("at least 1 byte");
  }

  @Test
  void defaultBudgetIsAtMost20GiBAnd80PercentOfFreeSpace() throws IOException {
    long free = Files.getFileStore(dir).getUsableSpace();
    long budget = DiskCache.defaultBudget(dir, 0);
    assertThat(budget).isLessThanOrEqualTo(DiskCache.DEFAULT_MAX_BYTES);
    assertThat(budget).isLessThanOrEqualTo((long) (free * 0.8) + (1 << 20));
    assertThat(DiskCache.open(dir, 0).budget()).isPositive();
  }
}
