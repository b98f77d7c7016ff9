package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded local disk cache of index files and index file blocks fetched from object storage: a
 * directory and a byte budget, least recently used files evicted first.
 *
 * <pre>{@code
 * DiskCache cache = DiskCache.open(Path.of("/var/cache/lakebeam"), DiskCache.parseSize("20g"));
 * try (DiskCache.Handle h = cache.acquire(key, length, tmp -> download(location, tmp))) {
 *   h.read(0, buffer); // the file cannot be evicted while the handle is open
 * }
 * }</pre>
 *
 * <p>Each file is an entry named by its key. An open {@link Handle} pins its entry (reference
 * counted): pinned entries are never evicted, so a memory-mapped segment stays on disk while it is
 * loaded. Downloads go to a temporary file that is moved into place, so a crash never leaves a
 * partial entry; concurrent requests for the same key share one download. Last access is kept in
 * memory and, at most once a minute per file, as the file's modification time, from which {@link
 * #open} rebuilds the LRU order of a directory it finds already populated. When the budget cannot
 * be met (everything else pinned) or the disk is full (ENOSPC), the cache evicts what it can, tries
 * once more and then fails with a {@link LakebeamException} that says what to change; it never lets
 * the error escape as anything else. Thread-safe.
 *
 * <p>Settings of the process-wide cache ({@link #shared()}): {@value #DIR_PROPERTY} (else {@code
 * lakebeam.cache.dir}, else {@code $LAKEBEAM_CACHE_DIR}, else {@code $TMPDIR/lakebeam-cache-$USER})
 * and {@value #BYTES_PROPERTY} (sizes such as {@code 512m}, {@code 20g} or plain bytes; default the
 * smaller of 20 GiB and 80% of the directory's free space).
 */
public final class DiskCache {
  private static final Logger LOG = LoggerFactory.getLogger(DiskCache.class);

  /** System property naming the cache directory. */
  public static final String DIR_PROPERTY = "lakebeam.disk.cache.dir";

  /** System property with the cache's byte budget ({@code 512m}, {@code 20g}, plain bytes). */
  public static final String BYTES_PROPERTY = "lakebeam.disk.cache.bytes";

  /** The default budget's upper bound: 20 GiB. */
  public static final long DEFAULT_MAX_BYTES = 20L << 30;

  /** The default budget's share of the directory's free space. */
  public static final double DEFAULT_FREE_SPACE_FRACTION = 0.8;

  private static final long TOUCH_INTERVAL_MILLIS = 60_000;
  private static final String TEMP_PREFIX = "dl-";
  private static final String TEMP_SUFFIX = ".partial";

  /** Keys start with a SHA-1 in hex (of the file's location); blocks add a suffix. */
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{40}(?:[A-Za-z0-9._-]{0,160})");

  private static final Pattern SIZE =
      Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]?)(?:i?b)?", Pattern.CASE_INSENSITIVE);

  private static volatile DiskCache shared;

  private final Path dir;
  private final long budget;
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true);
  private final Map<String, CompletableFuture<Void>> loading = new LinkedHashMap<>();
  private long used;
  private long reserved;
  private long hits;
  private long misses;
  private long evictions;
  private long evictedBytes;

  /** Writes a file's content to the given (new, empty) path. */
  @FunctionalInterface
  public interface Loader {
    void write(Path target) throws IOException;
  }

  /** The cache's figures, for {@code describe} and {@code server_status}. */
  public record Stats(
      String dir,
      long budgetBytes,
      long usedBytes,
      int files,
      int pinnedFiles,
      long hits,
      long misses,
      long evictions,
      long evictedBytes) {
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("dir", dir);
      m.put("budget_bytes", budgetBytes);
      m.put("used_bytes", usedBytes);
      m.put("files", files);
      m.put("pinned_files", pinnedFiles);
      m.put("hits", hits);
      m.put("misses", misses);
      m.put("evictions", evictions);
      m.put("evicted_bytes", evictedBytes);
      return m;
    }
  }

  private static final class Entry {
    final String key;
    final long size;
    long lastTouchMillis;
    int pins;
    FileChannel channel;

    Entry(String key, long size, long lastTouchMillis) {
      this.key = key;
      this.size = size;
      this.lastTouchMillis = lastTouchMillis;
    }
  }

  private DiskCache(Path dir, long budget) {
    this.dir = dir;
    this.budget = budget;
  }

  /**
   * Opens a cache over a directory (created when missing), taking the files already there as its
   * content, oldest modification time first in line for eviction.
   *
   * @param budgetBytes the most bytes the cache keeps on disk; {@code <= 0} for the default (the
   *     smaller of 20 GiB and 80% of the directory's free space)
   */
  public static DiskCache open(Path dir, long budgetBytes) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw LakebeamException.internal(
          "Cannot create the disk cache directory " + dir + "; choose another with --disk-cache",
          e);
    }
    List<Object[]> found = new ArrayList<>();
    long existing = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        if (name.startsWith(TEMP_PREFIX) && name.endsWith(TEMP_SUFFIX)
            || name.startsWith("download") && name.endsWith(".tmp")) {
          Files.deleteIfExists(f); // an interrupted download of an earlier process
          continue;
        }
        if (!KEY.matcher(name).matches()) {
          continue; // not ours (build scratch files share the old cache directory)
        }
        BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
        if (a.isRegularFile()) {
          found.add(new Object[] {name, a.size(), a.lastModifiedTime().toMillis()});
          existing += a.size();
        }
      }
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot read the disk cache directory " + dir, e);
    }
    long budget = budgetBytes > 0 ? budgetBytes : defaultBudget(dir, existing);
    DiskCache cache = new DiskCache(dir, budget);
    found.sort((a, b) -> Long.compare((Long) a[2], (Long) b[2]));
    synchronized (cache) {
      for (Object[] f : found) {
        Entry e = new Entry((String) f[0], (Long) f[1], (Long) f[2]);
        cache.entries.put(e.key, e);
        cache.used += e.size;
      }
      cache.evictUntil(0);
    }
    return cache;
  }

  /**
   * The smaller of 20 GiB and 80% of the directory's free space (counting what the cache holds).
   */
  static long defaultBudget(Path dir, long alreadyCached) {
    try {
      long free = Files.getFileStore(dir).getUsableSpace() + alreadyCached;
      return Math.min(DEFAULT_MAX_BYTES, (long) (free * DEFAULT_FREE_SPACE_FRACTION));
    } catch (IOException e) {
      return DEFAULT_MAX_BYTES;
    }
  }

  /** The process-wide cache, configured from system properties on first use. */
  public static DiskCache shared() {
    DiskCache c = shared;
    if (c == null) {
      synchronized (DiskCache.class) {
        c = shared;
        if (c == null) {
          String size = System.getProperty(BYTES_PROPERTY);
          c = open(configuredDir(), size == null || size.isBlank() ? 0 : parseSize(size));
          LOG.info(
              "Disk cache for index files of object-storage tables: {} (budget {}, {} in use)",
              c.dir,
              formatSize(c.budget),
              formatSize(c.used));
          shared = c;
        }
      }
    }
    return c;
  }

  /**
   * Sets up the process-wide cache before a server loads any index ({@code lakebeam serve
   * --disk-cache DIR --disk-cache-size 20g}).
   *
   * <pre>{@code
   * DiskCache cache = DiskCache.configureShared(Path.of("/mnt/nvme/lakebeam"), "50g");
   * }</pre>
   *
   * @param dir the directory, or null for the configured one ({@value #DIR_PROPERTY}, ...)
   * @param size the budget ({@code 512m}, {@code 20g}, bytes), or null for the configured one or
   *     the default
   */
  public static DiskCache configureShared(Path dir, String size) {
    long budget = size != null ? parseSize(size) : 0;
    if (dir != null) {
      System.setProperty(DIR_PROPERTY, dir.toString());
    }
    if (size != null) {
      System.setProperty(BYTES_PROPERTY, Long.toString(budget));
    }
    useShared(null);
    return shared();
  }

  /** Replaces the process-wide cache (tests; a server reconfigured before it serves). */
  static void useShared(DiskCache cache) {
    synchronized (DiskCache.class) {
      shared = cache;
    }
  }

  /** The configured directory of the process-wide cache. */
  static Path configuredDir() {
    String dir = System.getProperty(DIR_PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getProperty("lakebeam.cache.dir", System.getenv("LAKEBEAM_CACHE_DIR"));
    }
    return dir != null && !dir.isBlank()
        ? Paths.get(dir)
        : Paths.get(
            System.getProperty("java.io.tmpdir"),
            "lakebeam-cache-" + System.getProperty("user.name"));
  }

  /**
   * Parses a size: plain bytes ({@code 1048576}) or a number with a binary unit ({@code 512k},
   * {@code 512m}, {@code 20g}, {@code 1t}; {@code MB}, {@code GiB} and the like are read the same).
   *
   * @throws LakebeamException INVALID_ARGUMENT when the text is not a positive size
   */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw LakebeamException.invalid(
          "Cannot parse size: '%s'; use bytes or a number with k, m, g or t (512m, 20g)", text);
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          case "t" -> 40;
          default -> 0;
        };
    double bytes = Double.parseDouble(m.group(1)) * (1L << shift);
    if (bytes < 1 || bytes > Long.MAX_VALUE / 2) {
      throw LakebeamException.invalid("Cannot use size: '%s'; it must be at least 1 byte", text);
    }
    return (long) bytes;
  }

  /** A size for people: {@code 512.0 MiB}. */
  static String formatSize(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  public Path dir() {
    return dir;
  }

  public long budget() {
    return budget;
  }

  /**
   * The cached file of a key, pinned, or null when the cache does not hold it (counted as a hit
   * when found; a caller that then downloads counts the miss through {@link #acquire}).
   */
  public Handle get(String key) {
    checkKey(key);
    synchronized (this) {
      Entry e = entries.get(key);
      if (e == null) {
        return null;
      }
      hits++;
      return pin(e);
    }
  }

  /** Whether the cache holds the key (no effect on order or counts). */
  public synchronized boolean contains(String key) {
    return entries.containsKey(key);
  }

  /**
   * The cached file of a key, pinned; on a miss the loader writes it (one download per key however
   * many threads ask at once).
   *
   * @param expectedSize the file's size when known, else {@code -1}: space for it is made before
   *     the download, and a cached file of another size is replaced
   * @throws LakebeamException when the file cannot be fetched or cannot fit
   */
  public Handle acquire(String key, long expectedSize, Loader loader) {
    checkKey(key);
    while (true) {
      CompletableFuture<Void> pending;
      boolean owner = false;
      synchronized (this) {
        Entry e = entries.get(key);
        if (e != null && (expectedSize < 0 || e.size == expectedSize)) {
          hits++;
          return pin(e);
        }
        if (e != null && e.pins == 0) {
          remove(e, false); // a stale or damaged copy
        }
        pending = loading.get(key);
        if (pending == null) {
          pending = new CompletableFuture<>();
          loading.put(key, pending);
          owner = true;
          misses++;
        }
      }
      if (!owner) {
        try {
          pending.join();
        } catch (CompletionException failed) {
          if (failed.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw failed;
        }
        continue; // look again: it may have been evicted since
      }
      try {
        Handle h = download(key, expectedSize, loader);
        pending.complete(null);
        return h;
      } catch (RuntimeException e) {
        pending.completeExceptionally(e);
        throw e;
      } finally {
        synchronized (this) {
          loading.remove(key);
        }
      }
    }
  }

  private Handle download(String key, long expectedSize, Loader loader) {
    long need = Math.max(expectedSize, 0);
    reserve(key, need);
    try {
      for (int attempt = 0; ; attempt++) {
        Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
        try {
          loader.write(tmp);
          long size = Files.size(tmp);
          Path target = dir.resolve(key);
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          synchronized (this) {
            Entry old = entries.get(key);
            if (old != null && old.pins == 0) {
              remove(old, false); // a stale copy that nobody reads
            } else if (old != null) {
              entries.remove(key); // still mapped by its reader: forget it, keep its mapping
              used -= old.size;
            }
            Entry e = new Entry(key, size, System.currentTimeMillis());
            entries.put(key, e);
            used += size;
            reserved -= need;
            need = 0;
            Handle h = pin(e);
            if (used > budget) {
              evictUntil(0);
            }
            return h;
          }
        } catch (IOException e) {
          deleteQuietly(tmp);
          if (attempt == 0 && isDiskFull(e)) {
            long freed;
            synchronized (this) {
              freed = evictBytes(Math.max(need, 1));
            }
            LOG.warn(
                "Disk full in {} while caching {}; evicted {} and trying once more",
                dir,
                key,
                formatSize(freed));
            continue;
          }
          if (isDiskFull(e)) {
            throw new LakebeamException(
                LakebeamException.Kind.INTERNAL,
                "Cannot cache "
                    + key
                    + ": the disk holding "
                    + dir
                    + " is full even after evicting every file not in use; free space there or"
                    + " point --disk-cache at a larger disk",
                e);
          }
          throw new LakebeamException(
              LakebeamException.Kind.INTERNAL, "Cannot fetch " + key + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
          deleteQuietly(tmp);
          throw e;
        }
      }
    } finally {
      synchronized (this) {
        reserved -= need;
      }
    }
  }

  /** Makes room for a file of {@code size} bytes, or fails saying what uses the budget. */
  private synchronized void reserve(String key, long size) {
    if (used + reserved + size > budget) {
      evictUntil(size);
    }
    if (used + reserved + size > budget) {
      long pinned = 0;
      for (Entry e : entries.values()) {
        pinned += e.pins > 0 ? e.size : 0;
      }
      throw new LakebeamException(
          LakebeamException.Kind.INTERNAL,
          String.format(
              Locale.ROOT,
              "Cannot cache %s (%s): the disk cache %s has a budget of %s and %s of it is in use by"
                  + " loaded index segments; raise --disk-cache-size (%s)",
              key,
              formatSize(size),
              dir,
              formatSize(budget),
              formatSize(pinned + reserved),
              BYTES_PROPERTY));
    }
    reserved += size;
  }

  /** Evicts unpinned entries, least recently used first, until {@code extra} more bytes fit. */
  private void evictUntil(long extra) {
    Iterator<Entry> it = entries.values().iterator();
    while (used + reserved + extra > budget && it.hasNext()) {
      Entry e = it.next();
      if (e.pins == 0) {
        it.remove();
        drop(e, true);
      }
    }
  }

  /** Evicts unpinned entries, least recently used first, until {@code bytes} are freed. */
  private long evictBytes(long bytes) {
    long freed = 0;
    Iterator<Entry> it = entries.values().iterator();
    while (freed < bytes && it.hasNext()) {
      Entry e = it.next();
      if (e.pins == 0) {
        it.remove();
        drop(e, true);
        freed += e.size;
      }
    }
    return freed;
  }

  private void remove(Entry e, boolean eviction) {
    entries.remove(e.key);
    drop(e, eviction);
  }

  private void drop(Entry e, boolean eviction) {
    used -= e.size;
    if (eviction) {
      evictions++;
      evictedBytes += e.size;
    }
    closeQuietly(e);
    deleteQuietly(dir.resolve(e.key));
  }

  /** Forgets a key and deletes its file once it is no longer pinned (a damaged file). */
  public synchronized void invalidate(String key) {
    Entry e = entries.get(key);
    if (e != null && e.pins == 0) {
      remove(e, false);
    }
  }

  private Handle pin(Entry e) {
    e.pins++;
    long now = System.currentTimeMillis();
    if (now - e.lastTouchMillis > TOUCH_INTERVAL_MILLIS) {
      e.lastTouchMillis = now;
      try {
        Files.setLastModifiedTime(dir.resolve(e.key), FileTime.fromMillis(now));
      } catch (IOException ignored) {
        // the order at the next start is a little off; nothing else depends on it
      }
    }
    return new Handle(e);
  }

  private synchronized void unpin(Entry e) {
    e.pins--;
    if (e.pins == 0 && used + reserved > budget && entries.get(e.key) == e) {
      evictUntil(0);
    }
  }

  private synchronized FileChannel channel(Entry e) throws IOException {
    if (e.channel == null) {
      e.channel = FileChannel.open(dir.resolve(e.key), StandardOpenOption.READ);
    }
    return e.channel;
  }

  /** The cache's figures now. */
  public synchronized Stats stats() {
    int pinned = 0;
    for (Entry e : entries.values()) {
      pinned += e.pins > 0 ? 1 : 0;
    }
    return new Stats(
        dir.toString(),
        budget,
        used,
        entries.size(),
        pinned,
        hits,
        misses,
        evictions,
        evictedBytes);
  }

  static boolean isDiskFull(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && (m.contains("No space left on device") || m.contains("ENOSPC"))) {
        return true;
      }
    }
    return false;
  }

  /** {@link #KEY}, checked by hand: it runs on every block read of a remote segment. */
  private static void checkKey(String key) {
    int n = key.length();
    boolean ok = n >= 40 && n <= 200;
    for (int i = 0; ok && i < n; i++) {
      char c = key.charAt(i);
      ok =
          i < 40
              ? (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')
              : (c >= 'a' && c <= 'z')
                  || (c >= 'A' && c <= 'Z')
                  || (c >= '0' && c <= '9')
                  || c == '.'
                  || c == '_'
                  || c == '-';
    }
    if (!ok) {
      throw new IllegalArgumentException("Cannot use cache key: " + key);
    }
  }

  private static void closeQuietly(Entry e) {
    if (e.channel != null) {
      try {
        e.channel.close();
      } catch (IOException ignored) {
        // deleting the file next
      }
      e.channel = null;
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover file; the next start removes or reuses it
    }
  }

  /**
   * A pinned cached file: not evicted until closed. Close it exactly once; not thread-safe itself,
   * but {@link #read} may be called from any thread while it is open.
   */
  public final class Handle implements AutoCloseable {
    private final Entry entry;
    private boolean closed;

    private Handle(Entry entry) {
      this.entry = entry;
    }

    public Path path() {
      return dir.resolve(entry.key);
    }

    public long size() {
      return entry.size;
    }

    /**
     * Reads {@code dst.remaining()} bytes at {@code position} of the file.
     *
     * @throws java.io.EOFException when the file is shorter (damaged: {@link #invalidate} it)
     */
    public void read(long position, ByteBuffer dst) throws IOException {
      FileChannel ch = channel(entry);
      long p = position;
      while (dst.hasRemaining()) {
        int n = ch.read(dst, p);
        if (n < 0) {
          throw new java.io.EOFException(
              "Cannot read cached file " + path() + " at " + p + ": it is shorter than expected");
        }
        p += n;
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        unpin(entry);
      }
    }
  }
}
