package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Packs the files of a Lucene index directory into one file, so a text segment travels through
 * Iceberg's {@code FileIO} (local or object storage) as one object, and unpacks it into the local
 * cache directory, where it is opened with {@code MMapDirectory}.
 *
 * <p>Layout: the magic {@value #MAGIC}, the file count, then per file its name (modified UTF-8),
 * its length and its bytes.
 */
final class TextSegmentFiles {
  static final String MAGIC = "LBTEXT01";
  private static final String COMPLETE = ".complete";

  private TextSegmentFiles() {}

  /** Writes every file of {@code dir} into {@code packed}. */
  static void pack(Path dir, Path packed) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    }
    try (DataOutputStream out =
        new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(packed), 1 << 16))) {
      out.write(MAGIC.getBytes(StandardCharsets.US_ASCII));
      out.writeInt(files.size());
      for (Path f : files) {
        out.writeUTF(f.getFileName().toString());
        out.writeLong(Files.size(f));
        Files.copy(f, out);
      }
    }
  }

  /**
   * The directory {@code packed} unpacks to under the local cache directory, unpacked once: the
   * same location always maps to the same directory, reused by later opens and processes.
   */
  static Path unpack(Path packed, String location) {
    Path target = IndexFiles.cacheDir().resolve("text-" + IndexFiles.sha1(location));
    if (Files.exists(target.resolve(COMPLETE))) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(IndexFiles.cacheDir());
      tmp = Files.createTempDirectory(IndexFiles.cacheDir(), "text-unpack");
      try (DataInputStream in =
          new DataInputStream(new BufferedInputStream(Files.newInputStream(packed), 1 << 16))) {
        byte[] magic = in.readNBytes(MAGIC.length());
        if (!MAGIC.equals(new String(magic, StandardCharsets.US_ASCII))) {
          throw new IOException("not a packed text segment (corrupt or overwritten)");
        }
        int count = in.readInt();
        for (int i = 0; i < count; i++) {
          String name = in.readUTF();
          if (name.contains("/") || name.contains("\\") || name.startsWith(".")) {
            throw new IOException("bad file name in packed segment: " + name);
          }
          long length = in.readLong();
          try (OutputStream out = Files.newOutputStream(tmp.resolve(name))) {
            copy(in, out, length);
          }
        }
      }
      Files.createFile(tmp.resolve(COMPLETE));
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        if (!Files.exists(target.resolve(COMPLETE))) {
          throw e;
        }
        deleteTree(tmp); // unpacked concurrently by another reader
      } catch (IOException e) {
        if (!Files.exists(target.resolve(COMPLETE))) {
          throw e;
        }
        deleteTree(tmp);
      }
      return target;
    } catch (IOException e) {
      if (tmp != null) {
        deleteTree(tmp);
      }
      throw LakebeamException.internal(
          "Cannot unpack text index segment " + location + "; rebuild the index", e);
    }
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buf = new byte[1 << 16];
    long left = length;
    while (left > 0) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, left));
      if (n < 0) {
        throw new IOException("packed segment ends early");
      }
      out.write(buf, 0, n);
      left -= n;
    }
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // scratch files are best-effort
                }
              });
    } catch (IOException ignored) {
      // best-effort
    }
  }
}
