package io.lakebeam.transforms.media;

import io.lakebeam.transforms.lake.LakeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.iceberg.io.InputFile;

/**
 * Where media is read from (the local file system, or any URI the lakehouse's FileIO reads) and
 * where thumbnails are written (under the lakehouse's warehouse, through the same FileIO).
 */
final class MediaStore implements Serializable {
  private static final long serialVersionUID = 1L;

  private final LakeTarget lakehouse;

  MediaStore(LakeTarget lakehouse) {
    this.lakehouse = lakehouse;
  }

  static boolean isRemote(String uri) {
    return uri.contains("://") && !uri.startsWith("file:");
  }

  long size(String uri) throws IOException {
    return isRemote(uri) ? remote(uri).getLength() : Files.size(local(uri));
  }

  InputStream open(String uri) throws IOException {
    return isRemote(uri) ? remote(uri).newStream() : Files.newInputStream(local(uri));
  }

  byte[] readAll(String uri) throws IOException {
    try (InputStream in = open(uri)) {
      return in.readAllBytes();
    }
  }

  /**
   * A local path for {@code uri}: the file itself, or a temporary copy of a remote object (FFmpeg
   * seeks, and MP4 keeps its index at the end); {@link Local#close} deletes the copy.
   */
  Local localPath(String uri) throws IOException {
    if (!isRemote(uri)) {
      return new Local(local(uri), false);
    }
    Path tmp = Files.createTempFile("lakebeam-media-", suffix(uri));
    try (InputStream in = remote(uri).newStream()) {
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return new Local(tmp, true);
  }

  /** Writes {@code bytes} to {@code uri} (a path or object-storage URI), replacing it. */
  void write(String uri, byte[] bytes) throws IOException {
    if (lakehouse != null) {
      try (OutputStream out = lakehouse.lakehouse().io().newOutputFile(uri).createOrOverwrite()) {
        out.write(bytes);
      }
      return;
    }
    Path p = local(uri);
    Files.createDirectories(p.getParent());
    Files.write(p, bytes);
  }

  /** Deletes {@code uri}; a missing file is fine. */
  void delete(String uri) {
    try {
      if (lakehouse != null) {
        lakehouse.lakehouse().io().deleteFile(uri);
      } else {
        Files.deleteIfExists(local(uri));
      }
    } catch (IOException | RuntimeException e) {
      // A thumbnail of a failed video left behind is harmless; its failure row is what counts.
    }
  }

  record Local(Path path, boolean temporary) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      if (temporary) {
        Files.deleteIfExists(path);
      }
    }
  }

  private InputFile remote(String uri) throws IOException {
    if (lakehouse == null) {
      throw new IOException(
          "Cannot read "
              + uri
              + ": object storage is read through a lakehouse; pass withLakehouse");
    }
    InputFile f = lakehouse.lakehouse().io().newInputFile(uri);
    if (!f.exists()) {
      throw new NoSuchFileException(uri);
    }
    return f;
  }

  private static String suffix(String uri) {
    int slash = uri.lastIndexOf('/');
    int dot = uri.lastIndexOf('.');
    return dot > slash ? uri.substring(dot) : ".bin";
  }

  private static Path local(String uri) {
    return uri.startsWith("file:") ? Paths.get(java.net.URI.create(uri)) : Paths.get(uri);
  }
}
