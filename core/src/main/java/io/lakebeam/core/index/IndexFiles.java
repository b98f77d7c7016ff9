package io.lakebeam.core.index;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.iceberg.io.FileIO;

/**
 * Moves index files between the table's location (local or object storage) and the local disk,
 * where jVector memory-maps them.
 */
final class IndexFiles {
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

  /** A local copy of an index file: the file itself when local, else a cached download. */
  static Path fetch(FileIO io, String location) {
    Path local = localPath(location);
    if (local != null) {
      return local;
    }
    Path cached = cacheDir().resolve(sha1(location));
    if (Files.exists(cached)) {
      return cached;
    }
    try {
      Files.createDirectories(cached.getParent());
      Path tmp = Files.createTempFile(cached.getParent(), "download", ".tmp");
      try (InputStream in = io.newInputFile(location).newStream()) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE);
      return cached;
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot download index file " + location, e);
    }
  }

  /** A scratch file in the local cache directory. */
  static Path scratch(String suffix) {
    try {
      Files.createDirectories(cacheDir());
      return Files.createTempFile(cacheDir(), "build", suffix);
    } catch (IOException e) {
      throw LakebeamException.internal("Cannot create a scratch file", e);
    }
  }

  static Path cacheDir() {
    String dir = System.getProperty("lakebeam.cache.dir", System.getenv("LAKEBEAM_CACHE_DIR"));
    return dir != null
        ? Paths.get(dir)
        : Paths.get(
            System.getProperty("java.io.tmpdir"),
            "lakebeam-cache-" + System.getProperty("user.name"));
  }

  private static String sha1(String s) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
