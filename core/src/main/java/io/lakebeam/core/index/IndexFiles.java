package io.lakebeam.core.index;

import io.github.jbellis.jvector.disk.RandomAccessReader;
import io.github.jbellis.jvector.disk.ReaderSupplier;
import io.github.jbellis.jvector.disk.ReaderSupplierFactory;
import io.lakebeam.core.LakebeamException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves index files between the table's location (local or object storage) and the local disk,
 * where jVector memory-maps them, or reads remote ones in blocks through the {@link DiskCache}.
 */
final class IndexFiles {
  private static final String SCRATCH_PREFIX = "build-";
  private static final Pattern SCRATCH_NAME = Pattern.compile("build-(\\d+)-[^/]*");

  private static final Logger LOG = LoggerFactory.getLogger(IndexFiles.class);

  /** System property: remote index files smaller than this are downloaded whole. */
  static final String WHOLE_FILE_PROPERTY = "lakebeam.disk.cache.whole.file.bytes";

  /** System property: the block size of ranged reads of larger remote index files. */
  static final String BLOCK_PROPERTY = "lakebeam.disk.cache.block.bytes";

  /**
   * System property: {@code false} reads every block of a remote file through a stream (an
   * open-ended request, aborted after the block) instead of one bounded request per block.
   */
  static final String BOUNDED_REQUESTS_PROPERTY = "lakebeam.disk.cache.bounded.requests";

  /**
   * System property: {@code true} copies a remote segment's whole file into the disk cache in the
   * background once its first search is done (when the cache has room for it), instead of fetching
   * blocks only as queries touch them. Off by default: at 1M vectors on S3Proxy it made the first
   * 100 queries 2-3 ms faster (p50) but the first query 0.5 s slower.
   */
  static final String FILL_PROPERTY = "lakebeam.disk.cache.fill";

  /** The first int of every graph file jVector writes (OnDiskGraphIndex.MAGIC). */
  static final int GRAPH_MAGIC = 0xFFFF0D61;

  static final long DEFAULT_WHOLE_FILE_BYTES = 64L << 20;
  static final int DEFAULT_BLOCK_BYTES = 1 << 20;

  private IndexFiles() {}

  /** The local path of a location, or null when it is not on the local file system. */
  static Path localPath(String location) {
    if (location.startsWith("file:")) {
      return Paths.get(
          URI.create(
              location.startsWith("file:///") ? location : "file://" + location.substring(5)));
    }
    return location.contains("://") ? null : Paths.get(location);
  }

  /** Copies a finished local file to its final location. */
  static void publish(FileIO io, Path local, String location) {
    Path target = localPath(location);
    try {
      if (target != null) {
        Files.createDirectories(target.getParent());
        Files.move(
            local, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return;
      }
      try (InputStream in = Files.newInputStream(local);
          OutputStream out = io.newOutputFile(location).createOrOverwrite()) {
        in.transferTo(out);
      }
      Files.deleteIfExists(local);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot write index file " + location, e);
    }
  }

  /**
   * A local copy of an index file: the file itself when local, else a download kept in the {@link
   * DiskCache}. The copy is not pinned: read it at once (or use {@link #open}), since the cache may
   * evict it when it needs the space.
   */
  static Path fetch(FileIO io, String location) {
    Path local = localPath(location);
    if (local != null) {
      return local;
    }
    try (DiskCache.Handle h = fetchWhole(io, location)) {
      return h.path();
    }
  }

  /**
   * A jVector reader over an index file. A local file is memory-mapped in place. A remote file
   * smaller than {@value #WHOLE_FILE_PROPERTY} (64 MiB by default) is downloaded whole into the
   * {@link DiskCache} and mapped there, pinned until the supplier is closed; a larger one is read
   * in blocks ({@value #BLOCK_PROPERTY}, 1 MiB by default) by ranged requests, cached as they are
   * read.
   *
   * <pre>{@code
   * try (ReaderSupplier readers = IndexFiles.open(table.io(), ref.graphPath())) {
   *   OnDiskGraphIndex graph = OnDiskGraphIndex.load(readers);
   * }
   * }</pre>
   */
  static ReaderSupplier open(FileIO io, String location) throws IOException {
    ReaderSupplier readers = openUnchecked(io, location);
    if (location.endsWith(".graph")) {
      try (RandomAccessReader r = readers.get()) {
        if (r.length() < 8 || r.readInt() != GRAPH_MAGIC) {
          throw new IOException(
              "Cannot read " + location + ": it is not a jVector graph (corrupt or overwritten)");
        }
      } catch (IOException | RuntimeException e) {
        closeQuietly(readers);
        throw e;
      }
    }
    return readers;
  }

  private static ReaderSupplier openUnchecked(FileIO io, String location) throws IOException {
    Path local = localPath(location);
    if (local != null) {
      return ReaderSupplierFactory.open(local);
    }
    DiskCache cache = DiskCache.shared();
    DiskCache.Handle cached = cache.get(sha1(location));
    if (cached != null) {
      return PinnedReaders.open(cached);
    }
    InputFile file = io.newInputFile(location);
    long length = file.getLength();
    if (length < wholeFileBytes()) {
      return PinnedReaders.open(fetchWhole(cache, file, location, length));
    }
    int block = blockBytes();
    LOG.info(
        "Reading {} ({}) by ranged requests in {} blocks through the disk cache {}",
        location,
        DiskCache.formatSize(length),
        DiskCache.formatSize(block),
        cache.dir());
    boolean bounded = !"false".equals(System.getProperty(BOUNDED_REQUESTS_PROPERTY));
    return new RemoteBlocks(
        file,
        bounded ? S3Ranges.of(io, location) : null,
        location,
        length,
        block,
        cache,
        sha1(location));
  }

  /** The remote file whole in the disk cache, pinned. */
  private static DiskCache.Handle fetchWhole(FileIO io, String location) {
    DiskCache cache = DiskCache.shared();
    DiskCache.Handle cached = cache.get(sha1(location));
    if (cached != null) {
      return cached;
    }
    InputFile file = io.newInputFile(location);
    return fetchWhole(cache, file, location, file.getLength());
  }

  private static DiskCache.Handle fetchWhole(
      DiskCache cache, InputFile file, String location, long length) {
    long start = System.nanoTime();
    DiskCache.Handle h =
        cache.acquire(
            sha1(location),
            length,
            tmp -> {
              try (InputStream in = file.newStream()) {
                long copied = Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                if (copied != length) {
                  throw new EOFException(
                      "Cannot download "
                          + location
                          + ": got "
                          + copied
                          + " of "
                          + length
                          + " bytes");
                }
              }
              LOG.info(
                  "Fetched {} ({}) into the disk cache {} in {} ms",
                  location,
                  DiskCache.formatSize(length),
                  cache.dir(),
                  (System.nanoTime() - start) / 1_000_000);
            });
    return h;
  }

  /** Closes readers of a segment that failed to load; null is fine. */
  static void closeQuietly(ReaderSupplier readers) {
    if (readers != null) {
      try {
        readers.close();
      } catch (Exception ignored) {
        // already failing
      }
    }
  }

  /** Remote files smaller than this many bytes are downloaded whole (default 64 MiB). */
  static long wholeFileBytes() {
    String v = System.getProperty(WHOLE_FILE_PROPERTY);
    return v == null || v.isBlank() ? DEFAULT_WHOLE_FILE_BYTES : DiskCache.parseSize(v);
  }

  /** Whether a loaded remote segment is copied into the disk cache in the background. */
  static boolean fillCache() {
    return Boolean.getBoolean(FILL_PROPERTY);
  }

  /** The block size of ranged reads (default 1 MiB; a power of two). */
  static int blockBytes() {
    String v = System.getProperty(BLOCK_PROPERTY);
    return v == null || v.isBlank() ? DEFAULT_BLOCK_BYTES : (int) DiskCache.parseSize(v);
  }

  /**
   * A scratch file in the local cache directory, named after this process; deleted by its user, or
   * at the latest when the JVM exits. A process killed mid-build cannot delete its files: each new
   * scratch file, of this or another process, first sweeps those whose process is gone ({@link
   * #sweepScratch}).
   */
  static Path scratch(String suffix) {
    try {
      Path dir = cacheDir();
      Files.createDirectories(dir);
      sweepScratch(dir);
      Path file =
          Files.createTempFile(dir, SCRATCH_PREFIX + ProcessHandle.current().pid() + "-", suffix);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot create a scratch file", e);
    }
  }

  /**
   * Deletes the scratch files in {@code dir} whose process is no longer alive (a build killed by
   * SIGKILL or a crash leaves gigabytes of staged vectors); returns the bytes freed. Files of live
   * processes, this one included, are kept.
   */
  static long sweepScratch(Path dir) {
    long freed = 0;
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, SCRATCH_PREFIX + "*")) {
      for (Path file : files) {
        Matcher name = SCRATCH_NAME.matcher(file.getFileName().toString());
        if (!name.matches()) {
          continue;
        }
        long pid = Long.parseLong(name.group(1));
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (alive || pid == ProcessHandle.current().pid()) {
          continue;
        }
        long size = Files.size(file);
        if (Files.deleteIfExists(file)) {
          freed += size;
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Cannot sweep the scratch files of stopped builds in {}: {}", dir, e.toString());
    }
    if (removed > 0) {
      LOG.info(
          "Removed {} scratch files ({} MB) that stopped builds left in {}",
          removed,
          freed >> 20,
          dir);
    }
    return freed;
  }

  static Path cacheDir() {
    String dir = System.getProperty("lakebeam.cache.dir", System.getenv("LAKEBEAM_CACHE_DIR"));
    return dir != null
        ? Paths.get(dir)
        : Paths.get(
            System.getProperty("java.io.tmpdir"),
            "lakebeam-cache-" + System.getProperty("user.name"));
  }

  static String sha1(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
