package io.lakebeam.multimodal.video;

import java.nio.ByteBuffer;

/**
 * FFmpeg's scene score ({@code select='gt(scene,T)'}) on packed 8-bit pictures: the mean absolute
 * difference of successive frames' samples (mafd, 0-255), and {@code min(mafd, |mafd - previous
 * mafd|) / 100} clipped to [0, 1]. A cut scores high; a steady pan scores low because its mafd
 * stays level. Every second pixel of every second row is compared. Not thread-safe: one per video.
 */
final class SceneScore {
  private byte[] previous;
  private double previousMafd;
  private byte[] row;

  /** The score of this picture against the previous one; 0 for the first. */
  double next(ByteBuffer pixels, int width, int height, int stride, int channels) {
    int rowBytes = width * channels;
    int samplesPerRow = (width + 1) / 2 * channels;
    byte[] current = new byte[((height + 1) / 2) * samplesPerRow];
    if (row == null || row.length < rowBytes) {
      row = new byte[rowBytes];
    }
    int k = 0;
    for (int y = 0; y < height; y += 2) {
      pixels.get(y * stride, row, 0, rowBytes);
      for (int x = 0; x < rowBytes; x += 2 * channels) {
        for (int c = 0; c < channels; c++) {
          current[k++] = row[x + c];
        }
      }
    }
    double score = 0;
    if (previous != null && previous.length == current.length) {
      long sad = 0;
      for (int i = 0; i < current.length; i++) {
        sad += Math.abs((current[i] & 0xff) - (previous[i] & 0xff));
      }
      double mafd = (double) sad / current.length;
      double diff = Math.abs(mafd - previousMafd);
      score = Math.max(0, Math.min(1, Math.min(mafd, diff) / 100.0));
      previousMafd = mafd;
    }
    previous = current;
    return score;
  }
}
