package io.lakebeam.multimodal.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.multimodal.video.MediaException;
import io.lakebeam.multimodal.video.MediaFailure;
import io.lakebeam.multimodal.video.TestVideos;
import java.awt.image.BufferedImage;
import java.awt.image.RescaleOp;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Perceptual hashes of edited copies, and image decoding of bad files. */
class PerceptualHashTest {
  private static final BufferedImage A = TestVideos.picture(320, 240, 0.4, 1.5);
  private static final BufferedImage B = TestVideos.picture(320, 240, 1.6, 1.5);

  @Test
  void editedCopiesStayNearAndOtherScenesAreFar() throws Exception {
    BufferedImage reencoded =
        ImageIO.read(new ByteArrayInputStream(Thumbnails.jpeg(Thumbnails.resize(A, 200, 150))));
    BufferedImage cropped = A.getSubimage(10, 8, 300, 225);
    BufferedImage brighter = new RescaleOp(1.2f, 10f, null).filter(A, null);

    for (BufferedImage copy : new BufferedImage[] {reencoded, cropped, brighter}) {
      assertThat(PerceptualHash.distance(PerceptualHash.phash(A), PerceptualHash.phash(copy)))
          .isLessThanOrEqualTo(8);
      assertThat(PerceptualHash.distance(PerceptualHash.dhash(A), PerceptualHash.dhash(copy)))
          .isLessThanOrEqualTo(10);
    }
    assertThat(PerceptualHash.distance(PerceptualHash.phash(A), PerceptualHash.phash(B)))
        .isGreaterThan(16);
    assertThat(PerceptualHash.phash(A)).isEqualTo(PerceptualHash.phash(A));
    assertThat(PerceptualHash.hex(0xabcL)).isEqualTo("0000000000000abc");
  }

  @Test
  void aFileThatIsNotAnImageFails() {
    byte[] text = "this is not a picture".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> ImageDecoder.decode(text, "notes.jpg", 1_000_000))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.CORRUPT))
        .hasMessageStartingWith("Cannot decode notes.jpg: not an image");
    assertThatThrownBy(() -> ImageDecoder.decode(new byte[0], "empty.png", 1_000_000))
        .hasMessageContaining("the file is empty");
  }

  @Test
  void aPngThatDeclaresAHugeSizeFailsBeforeDecoding() throws Exception {
    assertThatThrownBy(
            () -> ImageDecoder.decode(pngHeader(100_000, 100_000), "bomb.png", 50_000_000))
        .isInstanceOfSatisfying(
            MediaException.class, e -> assertThat(e.reason()).isEqualTo(MediaFailure.TOO_LARGE))
        .hasMessageContaining("100000x100000 is over the limit");
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ImageIO.write(A, "png", png);
    assertThat(ImageDecoder.decode(png.toByteArray(), "a.png", 50_000_000).getWidth())
        .isEqualTo(320);
  }

  /** A PNG signature and an IHDR chunk declaring {@code w} x {@code h}, and nothing else. */
  static byte[] pngHeader(int w, int h) {
    ByteBuffer ihdr = ByteBuffer.allocate(17);
    ihdr.put("IHDR".getBytes(StandardCharsets.US_ASCII)).putInt(w).putInt(h);
    ihdr.put((byte) 8).put((byte) 2).put((byte) 0).put((byte) 0).put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(ihdr.array());
    ByteBuffer png = ByteBuffer.allocate(8 + 4 + 17 + 4);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    png.putInt(13).put(ihdr.array()).putInt((int) crc.getValue());
    return png.array();
  }
}
