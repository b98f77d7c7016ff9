package io.lakebeam.multimodal.image;

import io.lakebeam.multimodal.video.MediaException;
import io.lakebeam.multimodal.video.MediaFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image files (JPEG, PNG, GIF, BMP, TIFF, WBMP: what the JDK's ImageIO reads) after
 * checking their declared size against a pixel limit, so a decompression bomb is refused before any
 * pixel is allocated.
 *
 * <pre>{@code
 * BufferedImage img = ImageDecoder.decode(Files.readAllBytes(path), path.toString(), 50_000_000L);
 * }</pre>
 */
public final class ImageDecoder {
  private ImageDecoder() {}

  /** Decodes {@code bytes} (named {@code uri} in messages); the first picture of the file. */
  public static BufferedImage decode(byte[] bytes, String uri, long maxPixels)
      throws MediaException {
    if (bytes.length == 0) {
      throw new MediaException(
          MediaFailure.EMPTY, uri, "the file is empty (0 bytes)", "re-upload the image");
    }
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new MediaException(
            MediaFailure.CORRUPT,
            uri,
            "not an image (no JPEG, PNG, GIF, BMP, TIFF or WBMP signature)",
            "convert it to JPEG or PNG, or remove it from the source");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        long w = reader.getWidth(0);
        long h = reader.getHeight(0);
        if (w * h > maxPixels) {
          throw new MediaException(
              MediaFailure.TOO_LARGE,
              uri,
              "its resolution " + w + "x" + h + " is over the limit of " + maxPixels + " pixels",
              "downscale it or raise the limit (VideoLimits.withMaxPixels)");
        }
        BufferedImage img = reader.read(0);
        if (img == null || img.getWidth() < 1 || img.getHeight() < 1) {
          throw new MediaException(
              MediaFailure.CORRUPT, uri, "it decodes to no picture", "re-upload it");
        }
        return img;
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      throw new MediaException(
          MediaFailure.CORRUPT,
          uri,
          "the image is corrupt or truncated (" + e.getMessage() + ")",
          "re-upload it",
          e);
    }
  }
}
