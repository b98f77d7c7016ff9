package io.lakebeam.core.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ranged block reads against jVector's own memory-mapped reader of the same bytes. */
class RangedReaderTest {
  static final int BLOCK = 4096;

  @TempDir Path dir;

  static Path randomFile(Path dir, int size, long seed) throws Exception {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    Path f = dir.resolve("data-" + seed + ".bin");
    Files.write(f, data);
    return f;
  }

  private RemoteBlocks blocks(Path file, DiskCache cache) throws Exception {
    return new RemoteBlocks(
        org.apache.iceberg.Files.localInput(file.toFile()),
        null,
        file.toString(),
        Files.size(file),
        BLOCK,
        cache,
        IndexFiles.sha1(file.toString()));
  }

  @Test
  void randomReadsMatchTheMappedReader() throws Exception {
    Path file = randomFile(dir, 200_000 + 13, 1);
    DiskCache cache = DiskCache.open(dir.resolve("cache"), 6 * BLOCK); // far below the file
    RemoteBlocks blocks = blocks(file, cache);
    try (blocks;
        ReaderSupplier mapped = ReaderSupplierFactory.open(file);
        RandomAccessReader expected = mapped.get();
        RandomAccessReader actual = blocks.get()) {
      checkRandomReads(actual, expected, 2_000, 7);
    }
    DiskCache.Stats s = cache.stats();
    assertThat(s.usedBytes()).isLessThanOrEqualTo(6 * BLOCK);
    assertThat(s.evictions()).isPositive();
    assertThat(s.pinnedFiles()).isZero();
    assertThat(blocks.fetchedBlocks()).isGreaterThan(blocks.blockCount());
  }

  @Test
  void sequentialScanReadsEveryBlockOnceWithABigEnoughCache() throws Exception {
    Path file = randomFile(dir, 50 * BLOCK + 100, 2);
    DiskCache cache = DiskCache.open(dir.resolve("cache"), 1 << 20);
    RemoteBlocks blocks = blocks(file, cache);
    byte[] all = Files.readAllBytes(file);
    try (blocks;
        RandomAccessReader r = blocks.get()) {
      ByteBuffer got = ByteBuffer.allocate(all.length);
      while (got.hasRemaining()) {
        int n = Math.min(got.remaining(), 1000);
        byte[] part = new byte[n];
        r.readFully(part);
        got.put(part);
      }
      assertThat(got.array()).isEqualTo(all);
      assertThat(r.getPosition()).isEqualTo(all.length);
    }
    assertThat(blocks.fetchedBlocks()).isEqualTo(blocks.blockCount());
    assertThat(cache.stats().files()).isEqualTo(51);
  }

  @Test
  void readAheadCoversOnlyTheBlocksAfterEachScanNotTheSpanBetweenScans() throws Exception {
    Path file = randomFile(dir, 200 * BLOCK, 6);
    DiskCache cache = DiskCache.open(dir.resolve("cache"), 1 << 24);
    RemoteBlocks blocks = blocks(file, cache);
    try (blocks;
        RandomAccessReader first = blocks.get();
        RandomAccessReader second = blocks.get()) {
      byte[] b = new byte[BLOCK];
      first.seek(2L * BLOCK);
      for (int i = 0; i < 3; i++) { // blocks 2, 3, 4: a scan; ahead: 5-12
        first.readFully(b);
      }
      second.seek(150L * BLOCK);
      for (int i = 0; i < 3; i++) { // blocks 150-152; ahead: 153-160
        second.readFully(b);
      }
      first.seek(100L * BLOCK); // one random read, then its neighbour: no scan yet
      first.readInt();
      first.seek(101L * BLOCK);
      first.readInt();
    }
    // close() waited for the read-ahead: the six blocks read, 100-101, and at most 2 x 8 ahead
    assertThat(blocks.fetchedBlocks()).isBetween(8L, 8L + 2 * RemoteBlocks.READ_AHEAD_BLOCKS);
    assertThat(
            cache.contains(
                IndexFiles.sha1(file.toString()) + "-" + 200 * BLOCK + "-b" + BLOCK + ".60"))
        .as("a block between the two scans")
        .isFalse();
  }

  @Test
  void aFillCopiesEveryBlockWhenTheCacheHasRoomAndNotOtherwise() throws Exception {
    Path file = randomFile(dir, 40 * BLOCK + 7, 7);
    DiskCache roomy = DiskCache.open(dir.resolve("roomy"), 1 << 20);
    try (RemoteBlocks blocks = blocks(file, roomy);
        RandomAccessReader r = blocks.get()) {
      r.seek(5L * BLOCK);
      r.readInt(); // one block a query read first
      assertThat(blocks.fillInBackground()).isTrue();
      assertThat(blocks.fillInBackground()).as("one fill per file").isFalse();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (roomy.stats().files() < 41 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(roomy.stats().files()).isEqualTo(41);
      assertThat(blocks.fetchedBlocks()).isEqualTo(41); // the block read first is not fetched twice
      ByteBuffer tail = ByteBuffer.allocate(7);
      blocks.read(40L * BLOCK, tail);
      assertThat(tail.array())
          .isEqualTo(
              java.util.Arrays.copyOfRange(Files.readAllBytes(file), 40 * BLOCK, 40 * BLOCK + 7));
    }
    DiskCache small = DiskCache.open(dir.resolve("small"), 10 * BLOCK);
    try (RemoteBlocks blocks = blocks(file, small)) {
      assertThat(blocks.fillInBackground()).as("the file does not fit").isFalse();
    }
    assertThat(small.stats().files()).isZero();
  }

  @Test
  void readersOnManyThreadsShareTheBlocks() throws Exception {
    Path file = randomFile(dir, 300_000, 3);
    DiskCache cache = DiskCache.open(dir.resolve("cache"), 20 * BLOCK);
    RemoteBlocks blocks = blocks(file, cache);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (blocks;
        ReaderSupplier mapped = ReaderSupplierFactory.open(file)) {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long seed = 100 + t;
        done.add(
            pool.submit(
                () -> {
                  try (RandomAccessReader expected = mapped.get();
                      RandomAccessReader actual = blocks.get()) {
                    checkRandomReads(actual, expected, 500, seed);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.stats().pinnedFiles()).isZero();
  }

  @Test
  void readingPastTheEndSaysTheFileIsTruncated() throws Exception {
    Path file = randomFile(dir, 3 * BLOCK + 2, 4);
    RemoteBlocks blocks = blocks(file, DiskCache.open(dir.resolve("cache"), 1 << 20));
    try (blocks;
        RandomAccessReader r = blocks.get()) {
      r.seek(3 * BLOCK);
      assertThatThrownBy(r::readInt)
          .isInstanceOf(EOFException.class)
          .hasMessageContaining("truncated or corrupt");
      r.seek(3 * BLOCK);
      byte[] two = new byte[2];
      r.readFully(two);
      assertThat(r.getPosition()).isEqualTo(3 * BLOCK + 2);
    }
  }

  @Test
  void aDamagedCacheFileIsFetchedAgain() throws Exception {
    Path file = randomFile(dir, 2 * BLOCK, 5);
    DiskCache cache = DiskCache.open(dir.resolve("cache"), 1 << 20);
    try (RemoteBlocks blocks = blocks(file, cache);
        RandomAccessReader r = blocks.get()) {
      r.readInt();
    }
    try (var files = Files.list(dir.resolve("cache"))) {
      for (Path f : files.toList()) {
        Files.write(f, new byte[10]); // truncated behind the cache's back
      }
    }
    byte[] all = Files.readAllBytes(file);
    try (RemoteBlocks again = blocks(file, cache);
        RandomAccessReader r = again.get()) {
      r.seek(BLOCK - 8);
      byte[] got = new byte[16];
      r.readFully(got);
      assertThat(got).isEqualTo(java.util.Arrays.copyOfRange(all, BLOCK - 8, BLOCK + 8));
    }
  }

  private static int[] bits(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToIntBits(f[i]);
    }
    return b;
  }

  /** Runs the same random seeks and reads, of every kind, on both readers. */
  static void checkRandomReads(
      RandomAccessReader actual, RandomAccessReader expected, int ops, long seed) throws Exception {
    Random rnd = new Random(seed);
    long length = expected.length();
    assertThat(actual.length()).isEqualTo(length);
    for (int i = 0; i < ops; i++) {
      int kind = rnd.nextInt(10);
      int count = 1 + rnd.nextInt(rnd.nextBoolean() ? 16 : 3000);
      int bytes =
          switch (kind) {
            case 0, 2 -> 4;
            case 1 -> 8;
            case 3, 4 -> count;
            case 6 -> count * 8;
            default -> count * 4;
          };
      long pos = (long) (rnd.nextDouble() * (length - bytes));
      if (rnd.nextInt(4) == 0) {
        pos = Math.max(0, (pos / BLOCK + 1) * BLOCK - rnd.nextInt(8)); // straddle a block edge
        pos = Math.min(pos, length - bytes);
      }
      actual.seek(pos);
      expected.seek(pos);
      switch (kind) {
        case 0 -> assertThat(actual.readInt()).isEqualTo(expected.readInt());
        case 1 -> assertThat(actual.readLong()).isEqualTo(expected.readLong());
        case 2 ->
            assertThat(Float.floatToIntBits(actual.readFloat()))
                .isEqualTo(Float.floatToIntBits(expected.readFloat()));
        case 3 -> {
          byte[] a = new byte[count];
          byte[] e = new byte[count];
          actual.readFully(a);
          expected.readFully(e);
          assertThat(a).isEqualTo(e);
        }
        case 4 -> {
          ByteBuffer a =
              rnd.nextBoolean() ? ByteBuffer.allocate(count) : ByteBuffer.allocateDirect(count);
          ByteBuffer e = ByteBuffer.allocate(count);
          actual.readFully(a);
          expected.readFully(e);
          assertThat(a.flip()).isEqualTo(e.flip());
        }
        case 5 -> {
          float[] a = new float[count];
          float[] e = new float[count];
          actual.readFully(a);
          expected.readFully(e);
          assertThat(bits(a)).isEqualTo(bits(e));
        }
        case 6 -> {
          long[] a = new long[count];
          long[] e = new long[count];
          actual.readFully(a);
          expected.readFully(e);
          assertThat(a).isEqualTo(e);
        }
        case 7 -> {
          int[] a = new int[count + 3];
          int[] e = new int[count + 3];
          actual.read(a, 2, count);
          expected.read(e, 2, count);
          assertThat(a).isEqualTo(e);
        }
        default -> {
          float[] a = new float[count + 3];
          float[] e = new float[count + 3];
          actual.read(a, 1, count);
          expected.read(e, 1, count);
          assertThat(bits(a)).isEqualTo(bits(e));
        }
      }
      assertThat(actual.getPosition()).as("position after op %d", kind).isEqualTo(pos + bytes);
      assertThat(expected.getPosition()).isEqualTo(pos + bytes);
    }
  }
}
