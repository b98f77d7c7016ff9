package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import java.io.EOFException;
import java.io.IOException;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote file read in fixed-size, aligned blocks fetched on demand by ranged requests (one
 * bounded GET per block through {@link S3Ranges} on S3, a stream seek elsewhere) and kept in the
 * {@link DiskCache} as block files, so a large segment serves its first query without being
 * downloaded whole, and a cache smaller than the file still works (cold blocks are evicted like any
 * other file).
 *
 * <pre>{@code
 * ReaderSupplier readers = IndexFiles.open(table.io(), "s3://lake/t/segment-1.graph");
 * try (RandomAccessReader r = readers.get()) {
 *   r.seek(4096);
 *   int degree = r.readInt();
 * }
 * }</pre>
 *
 * <p>Thread-safe: the blocks are shared; each {@link #get() reader} is thread-confined (one per
 * thread, as jVector uses them). Blocks are pinned only while bytes are copied out of them, so
 * nothing here holds disk space a reader is not reading this instant. Sequential reading (loading a
 * segment) fetches the next blocks ahead in the background.
 */
final class RemoteBlocks implements ReaderSupplier {
  private static final Logger LOG = LoggerFactory.getLogger(RemoteBlocks.class);

  /** Blocks fetched ahead when a reader moves on to the next block. */
  static final int READ_AHEAD_BLOCKS = 8;

  private static final Cleaner CLEANER = Cleaner.create();

  private static final ExecutorService PREFETCH =
      Executors.newFixedThreadPool(
          4,
          r -> {
            Thread t = new Thread(r, "lakebeam-block-prefetch");
            t.setDaemon(true);
            return t;
          });

  private final InputFile file;
  private final S3Ranges ranges;
  private final String location;
  private final long length;
  private final int blockSize;
  private final DiskCache cache;
  private final String keyPrefix;
  private final AtomicLong fetchedBlocks = new AtomicLong();
  private final AtomicLong fetchedBytes = new AtomicLong();
  private long aheadFrom = -1; // the blocks still to read ahead, guarded by this
  private long aheadTo = -1;
  private boolean aheadRunning;
  private volatile boolean closed;
  private Future<?> ahead;
  private Future<?> fill;
  private final ParkedStream stream = new ParkedStream();
  private final ParkedStream fillStream = new ParkedStream();
  private final Cleaner.Cleanable cleanable;

  /**
   * @param ranges bounded reads of the file, or null to read every block through a stream
   * @param keyPrefix names this file's blocks in the cache; it must change when the file does
   */
  RemoteBlocks(
      InputFile file,
      S3Ranges ranges,
      String location,
      long length,
      int blockSize,
      DiskCache cache,
      String keyPrefix) {
    if (blockSize < 64 || Integer.bitCount(blockSize) != 1) {
      throw new IllegalArgumentException(
          "Cannot use block size: " + blockSize + "; it must be a power of two >= 64");
    }
    this.file = file;
    this.ranges = ranges;
    this.location = location;
    this.length = length;
    this.blockSize = blockSize;
    this.cache = cache;
    this.keyPrefix = keyPrefix + "-" + length + "-b" + blockSize + ".";
    ParkedStream a = stream;
    ParkedStream f = fillStream;
    this.cleanable =
        CLEANER.register(
            this,
            () -> {
              a.run();
              f.run();
            });
  }

  @Override
  public RandomAccessReader get() {
    return new RangedReader(this);
  }

  long length() {
    return length;
  }

  int blockSize() {
    return blockSize;
  }

  String location() {
    return location;
  }

  /** Blocks this object fetched from storage (cache misses it served). */
  long fetchedBlocks() {
    return fetchedBlocks.get();
  }

  long fetchedBytes() {
    return fetchedBytes.get();
  }

  long blockCount() {
    return (length + blockSize - 1) / blockSize;
  }

  private long blockLength(long block) {
    return Math.min(blockSize, length - block * blockSize);
  }

  private String key(long block) {
    return keyPrefix + block;
  }

  /**
   * Reads bytes at {@code position} into {@code dst}, up to its remaining space or the end of the
   * position's block, whichever comes first.
   *
   * @return the bytes read (at least one)
   * @throws EOFException at or beyond the end of the file
   */
  int read(long position, ByteBuffer dst) throws IOException {
    if (position < 0 || position >= length) {
      throw new EOFException(
          "Cannot read at byte "
              + position
              + " of "
              + location
              + ": the file has "
              + length
              + " bytes (truncated or corrupt)");
    }
    long block = position / blockSize;
    int within = (int) (position - block * blockSize);
    int n = (int) Math.min(dst.remaining(), blockLength(block) - within);
    ByteBuffer slice = dst.slice(dst.position(), n);
    for (int attempt = 0; ; attempt++) {
      try (DiskCache.Handle h = acquire(block, null)) {
        h.read(within, slice);
        break;
      } catch (EOFException damaged) {
        cache.invalidate(key(block)); // a cache file changed under us: fetch it again once
        if (attempt > 0) {
          throw damaged;
        }
        slice.clear();
      }
    }
    dst.position(dst.position() + n);
    return n;
  }

  /** The cached block, fetched through {@code sequential} when given, else by a random read. */
  private DiskCache.Handle acquire(long block, ParkedStream sequential) throws IOException {
    try {
      return cache.acquire(key(block), blockLength(block), tmp -> fetch(block, sequential, tmp));
    } catch (RuntimeException e) {
      throw new IOException(
          "Cannot read block " + block + " of " + location + ": " + e.getMessage(), e);
    }
  }

  /**
   * Fetches the {@value #READ_AHEAD_BLOCKS} blocks after {@code block} in the background, in order
   * and through one stream, so a sequential scan costs one request, not one per block. A request
   * that continues the pending blocks extends them; one elsewhere replaces them (the reader moved),
   * so a read-ahead never spans more than what scans asked for. At most one task per file.
   */
  void readAhead(long block) {
    long from = block + 1;
    long to = Math.min(block + READ_AHEAD_BLOCKS, blockCount() - 1);
    synchronized (this) {
      if (closed || from > to) {
        return;
      }
      if (aheadFrom >= 0 && from <= aheadTo + 1 && to >= aheadFrom) {
        aheadFrom = Math.min(aheadFrom, from);
        aheadTo = Math.max(aheadTo, to);
      } else {
        aheadFrom = from;
        aheadTo = to;
      }
      if (!aheadRunning) {
        aheadRunning = true;
        ahead = PREFETCH.submit(this::readAheadBlocks);
      }
    }
  }

  private void readAheadBlocks() {
    try {
      while (true) {
        long b;
        synchronized (this) {
          if (closed || aheadFrom < 0) {
            aheadRunning = false;
            return;
          }
          b = aheadFrom++;
          if (aheadFrom > aheadTo) {
            aheadFrom = aheadTo = -1;
          }
        }
        if (!cache.contains(key(b))) {
          try (DiskCache.Handle ignored = acquire(b, stream)) {
            // cached now
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("Read-ahead of {} stopped: {}", location, e.toString());
      synchronized (this) {
        aheadRunning = false;
        aheadFrom = aheadTo = -1;
      }
    }
  }

  /**
   * Copies every block not yet cached into the disk cache in the background, through one stream of
   * its own, when the cache has room for the whole file beside what it holds: the queries after a
   * cold start then stop paying a request per block within about the time of a whole download.
   * Random reads keep their bounded requests meanwhile. Stops at {@link #close()}, at the first
   * failure, or when the cache no longer has room.
   *
   * @return whether the fill started
   */
  boolean fillInBackground() {
    DiskCache.Stats stats = cache.stats();
    if (stats.budgetBytes() - stats.usedBytes() < length) {
      LOG.info(
          "Not copying {} ({}) into the disk cache ahead of queries: {} of its {} budget free",
          location,
          DiskCache.formatSize(length),
          DiskCache.formatSize(Math.max(0, stats.budgetBytes() - stats.usedBytes())),
          DiskCache.formatSize(stats.budgetBytes()));
      return false;
    }
    synchronized (this) {
      if (closed || fill != null) {
        return false;
      }
      fill = PREFETCH.submit(this::fillBlocks);
    }
    return true;
  }

  private void fillBlocks() {
    long start = System.nanoTime();
    long fetched = 0;
    try {
      for (long b = 0; b < blockCount() && !closed; b++) {
        if (!cache.contains(key(b))) {
          try (DiskCache.Handle ignored = acquire(b, fillStream)) {
            fetched++;
          }
        }
      }
      if (!closed) {
        LOG.info(
            "Copied {} ({} blocks fetched, the rest already cached) into the disk cache in {} ms",
            location,
            fetched,
            (System.nanoTime() - start) / 1_000_000);
      }
    } catch (IOException | RuntimeException e) {
      LOG.info("Stopped copying {} into the disk cache: {}", location, e.toString());
    } finally {
      fillStream.run();
    }
  }

  /**
   * Fetches one block into {@code target}: a read-ahead (sequential) through one stream left where
   * the previous block ended, so a scan is one request; a random block by one bounded request.
   */
  private void fetch(long block, ParkedStream sequential, Path target) throws IOException {
    int len = (int) blockLength(block);
    long start = block * blockSize;
    byte[] buf =
        sequential == null && ranges != null
            ? ranges.read(start, len)
            : streamed(sequential != null ? sequential : stream, block, start, len);
    Files.write(target, buf);
    fetchedBlocks.incrementAndGet();
    fetchedBytes.addAndGet(len);
  }

  private byte[] streamed(ParkedStream stream, long block, long start, int len) throws IOException {
    byte[] buf = new byte[len];
    // Seek and read, not RangeReadable.readFully: Iceberg 1.6's S3InputStream never releases
    // the pooled HTTP connection of a positioned read, so the pool runs dry after 50 blocks.
    // A stream left where the previous block ended serves the next one in the same request.
    SeekableInputStream in = stream.take(start);
    if (in == null) {
      in = file.newStream();
      in.seek(start);
    }
    try {
      int off = 0;
      while (off < len) {
        int n = in.read(buf, off, len - off);
        if (n < 0) {
          throw new EOFException(
              "Cannot read block " + block + " of " + location + ": the file ends early");
        }
        off += n;
      }
    } catch (IOException | RuntimeException e) {
      ParkedStream.closeQuietly(in);
      throw e;
    }
    stream.park(in, start + len);
    return buf;
  }

  /**
   * Stops the read-ahead and the fill, waits for the blocks they are fetching (so no write reaches
   * the cache after this returns) and closes the open stream; blocks stay cached.
   */
  @Override
  public void close() {
    List<Future<?>> running = new ArrayList<>(2);
    synchronized (this) {
      closed = true;
      if (ahead != null) {
        running.add(ahead);
      }
      if (fill != null) {
        running.add(fill);
      }
    }
    for (Future<?> task : running) {
      try {
        task.get(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        LOG.debug("Background reads of {} did not stop cleanly: {}", location, e.toString());
      }
    }
    cleanable.clean();
  }

  /**
   * At most one open stream, left where its last block ended. It holds an HTTP connection, so it is
   * closed with the supplier, or once the supplier is unreachable when nobody closes it.
   */
  private static final class ParkedStream implements Runnable {
    private SeekableInputStream stream;
    private long position = -1;

    synchronized SeekableInputStream take(long at) {
      if (stream == null || position != at) {
        return null;
      }
      SeekableInputStream s = stream;
      stream = null;
      return s;
    }

    void park(SeekableInputStream s, long at) {
      SeekableInputStream old;
      synchronized (this) {
        old = stream;
        stream = s;
        position = at;
      }
      closeQuietly(old);
    }

    @Override
    public void run() {
      SeekableInputStream old;
      synchronized (this) {
        old = stream;
        stream = null;
      }
      closeQuietly(old);
    }

    static void closeQuietly(SeekableInputStream s) {
      if (s != null) {
        try {
          s.close();
        } catch (IOException | RuntimeException ignored) {
          // a connection given up
        }
      }
    }
  }
}
