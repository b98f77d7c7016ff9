package io.lakebeam.multimodal.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Rejects a zip-based file (DOCX, XLSX, PPTX, ODT, EPUB, plain zip, ...) whose entries declare far
 * more inflated bytes than the file has, before any entry is inflated.
 *
 * <p>Tika's own guard compares the text a parse produces with the file's size, so it fires only
 * after the parser has inflated {@code ratio} times the file, and Tika turns off POI's inflate
 * ratio guard; a DOCX whose XML inflates to hundreds of MB would otherwise be inflated (and, in
 * POI's DOM parser, held in memory) before anything notices. Entries that lie about their sizes are
 * not caught here; Tika's guard, the text limit and the timeout still bound them.
 */
final class ZipBombCheck {

  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  private ZipBombCheck() {}

  /**
   * Throws {@link ExtractionFailure#ZIP_BOMB} when the zip's declared sizes are over the limits.
   */
  static void check(String uri, Path file, long fileBytes, ExtractionLimits limits)
      throws ExtractionException {
    if (!startsWithZipMagic(file)) {
      return;
    }
    long declared = 0;
    try (ZipFile zip = new ZipFile(file.toFile())) {
      Enumeration<? extends ZipEntry> entries = zip.entries();
      while (entries.hasMoreElements()) {
        long size = entries.nextElement().getSize();
        if (size > 0) {
          declared = saturatedAdd(declared, size);
        }
      }
    } catch (IOException | RuntimeException unreadable) {
      return; // not a zip the JDK can list: the parser decides whether it is corrupt
    }
    long ratio = limits.maxCompressionRatio();
    if (declared > limits.compressionCheckThreshold() && declared / ratio > fileBytes) {
      throw new ExtractionException(
          ExtractionFailure.ZIP_BOMB,
          uri,
          String.format(
              Locale.ROOT,
              "its zip entries inflate to %,d bytes from a %,d-byte file, over the compression"
                  + " ratio limit of %d (a suspected zip bomb)",
              declared,
              fileBytes,
              ratio),
          "if the file is trusted, raise ExtractionLimits.withMaxCompressionRatio(...)");
    }
  }

  private static boolean startsWithZipMagic(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(ZIP_MAGIC.length);
      return Arrays.equals(head, ZIP_MAGIC);
    } catch (IOException e) {
      return false; // the parser reads the file next and reports what is wrong with it
    }
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }
}
