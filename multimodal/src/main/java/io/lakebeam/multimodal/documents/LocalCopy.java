package io.lakebeam.multimodal.documents;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The document's bytes as a local file that parsers can read with random access (PDF and zip based
 * formats need it), with the SHA-256 and size of those bytes. A copy spooled from a stream is a
 * temporary file that {@link #close()} deletes; a local file is used in place.
 */
final class LocalCopy implements AutoCloseable {

  private static final int BUFFER_BYTES = 64 * 1024;

  private final Path path;
  private final String contentHash;
  private final long sizeBytes;
  private final boolean temporary;

  private LocalCopy(Path path, String contentHash, long sizeBytes, boolean temporary) {
    this.path = path;
    this.contentHash = contentHash;
    this.sizeBytes = sizeBytes;
    this.temporary = temporary;
  }

  /**
   * Reads the source once into a temporary file, hashing as it goes, and stops as soon as it has
   * read more than {@code maxBytes}.
   */
  static LocalCopy spool(String uri, InputStreamSupplier source, long maxBytes)
      throws ExtractionException {
    Path temp;
    try {
      temp = Files.createTempFile("lakebeam-extract-", ".bin");
    } catch (IOException e) {
      throw Failures.io(uri, "cannot create a temporary file (" + e.getMessage() + ")", e);
    }
    try {
      MessageDigest digest = sha256();
      long size;
      try (InputStream in = openOrThrow(uri, source);
          OutputStream out = Files.newOutputStream(temp)) {
        size = copy(uri, in, out, digest, maxBytes);
      } catch (IOException e) {
        throw Failures.io(uri, "reading failed (" + e + ")", e);
      }
      return new LocalCopy(temp, hash(digest), size, true);
    } catch (ExtractionException | RuntimeException | Error e) {
      deleteQuietly(temp, e);
      throw e;
    }
  }

  /** Hashes a local file in one pass; the parser then reads the file itself. */
  static LocalCopy of(String uri, Path file, long maxBytes) throws ExtractionException {
    long size;
    try {
      if (Files.isDirectory(file)) {
        throw Failures.notFound(uri, "is a directory, not a file", null);
      }
      size = Files.size(file);
    } catch (NoSuchFileException e) {
      throw Failures.notFound(uri, "no such file", e);
    } catch (IOException e) {
      throw Failures.io(uri, "cannot read the file size (" + e + ")", e);
    }
    if (size > maxBytes) {
      throw Failures.tooLarge(uri, size, maxBytes);
    }
    MessageDigest digest = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      size = copy(uri, in, OutputStream.nullOutputStream(), digest, maxBytes);
    } catch (NoSuchFileException e) {
      throw Failures.notFound(uri, "no such file", e);
    } catch (IOException e) {
      throw Failures.io(uri, "reading failed (" + e + ")", e);
    }
    return new LocalCopy(file, hash(digest), size, false);
  }

  Path path() {
    return path;
  }

  String contentHash() {
    return contentHash;
  }

  long sizeBytes() {
    return sizeBytes;
  }

  /** Deletes the temporary copy; a caller's own file is left alone. */
  @Override
  public void close() {
    if (temporary) {
      deleteQuietly(path, null);
    }
  }

  private static InputStream openOrThrow(String uri, InputStreamSupplier source)
      throws ExtractionException {
    try {
      InputStream in = source.open();
      if (in == null) {
        throw Failures.io(uri, "the source opened no stream (null)", null);
      }
      return in;
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw Failures.notFound(uri, "no such object (" + e.getMessage() + ")", e);
    } catch (IOException e) {
      throw Failures.io(uri, "opening failed (" + e + ")", e);
    }
  }

  private static long copy(
      String uri, InputStream in, OutputStream out, MessageDigest digest, long maxBytes)
      throws IOException, ExtractionException {
    byte[] buffer = new byte[BUFFER_BYTES];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) != -1) {
      total += n;
      if (total > maxBytes) {
        throw Failures.tooLargeStream(uri, maxBytes);
      }
      digest.update(buffer, 0, n);
      out.write(buffer, 0, n);
    }
    return total;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Cannot hash documents: this JVM has no SHA-256", e);
    }
  }

  private static String hash(MessageDigest digest) {
    return "sha256:" + HexFormat.of().formatHex(digest.digest());
  }

  private static void deleteQuietly(Path path, Throwable failure) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      // The temp file outlives this call; delete it with the JVM rather than hide the reason.
      path.toFile().deleteOnExit();
      if (failure != null) {
        failure.addSuppressed(e);
      }
    }
  }
}
