package io.lakebeam.multimodal.image;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Scales pictures and encodes them as JPEG thumbnails. */
public final class Thumbnails {
  /** JPEG quality of thumbnails: high enough that hashes and embeddings barely move. */
  public static final float JPEG_QUALITY = 0.9f;

  private Thumbnails() {}

  /** {@code image} scaled (bilinear) so its longer side is at most {@code side}, as RGB. */
  public static BufferedImage fit(BufferedImage image, int side) {
    int w = image.getWidth();
    int h = image.getHeight();
    double scale = Math.min(1.0, (double) side / Math.max(w, h));
    int tw = Math.max(1, (int) Math.round(w * scale));
    int th = Math.max(1, (int) Math.round(h * scale));
    if (scale == 1.0 && image.getType() == BufferedImage.TYPE_3BYTE_BGR) {
      return image;
    }
    return resize(image, tw, th);
  }

  /** {@code image} drawn (bilinear) at {@code w} x {@code h}, as 3-byte BGR. */
  public static BufferedImage resize(BufferedImage image, int w, int h) {
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = out.createGraphics();
    try {
      g.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(image, 0, 0, w, h, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** JPEG bytes of {@code image} at {@link #JPEG_QUALITY}. */
  public static byte[] jpeg(BufferedImage image) throws IOException {
    BufferedImage rgb = image;
    if (image.getColorModel().hasAlpha() || image.getType() == BufferedImage.TYPE_CUSTOM) {
      rgb = resize(image, image.getWidth(), image.getHeight());
    }
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(JPEG_QUALITY);
      writer.write(null, new IIOImage(rgb, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
