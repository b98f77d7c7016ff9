package io.lakebeam.multimodal.video;

import java.nio.ByteBuffer;

/**
 * FFmpeg's scene score ({@code select='gt(scene,T)'}) on a picture's luma plane: the mean absolute
 * difference of successive frames' samples (mafd, 0-255), and {@code min(mafd, |mafd - previous
 * mafd|) / 100} clipped to [0, 1]. A cut scores high; a steady pan scores low because its mafd
 * stays level. A grid of about 320 samples along the longer side is compared (every second pixel of
 * every second row at 640x360), so the cost per frame does not grow with the resolution. The two
 * sample buffers are reused. Not thread-safe: one per video.
 */
final class SceneScore {
  private byte[] previous = new byte[0];
  private byte[] current = new byte[0];
  private byte[] row = new byte[0];
  private boolean first = true;
  private double previousMafd;

  /** The score of this plane against the previous one; 0 for the first. */
  double next(PictureConverter.Plane luma) {
    int width = luma.width();
    int height = luma.height();
    int step = Math.max(2, (Math.max(width, height) + 319) / 320);
    int cols = (width + step - 1) / step;
    int rows = (height + step - 1) / step;
    int n = cols * rows;
    if (current.length != n) {
      current = new byte[n];
      previous = new byte[n];
      first = true;
    }
    if (row.length < width) {
      row = new byte[width];
    }
    ByteBuffer samples = luma.samples();
    int k = 0;
    for (int y = 0; y < height; y += step) {
      samples.get(y * luma.stride(), row, 0, width);
      for (int x = 0; x < width; x += step) {
        current[k++] = row[x];
      }
    }
    double score = 0;
    if (!first) {
      long sad = 0;
      for (int i = 0; i < n; i++) {
        sad += Math.abs((current[i] & 0xff) - (previous[i] & 0xff));
      }
      double mafd = (double) sad / n;
      double diff = Math.abs(mafd - previousMafd);
      score = Math.max(0, Math.min(1, Math.min(mafd, diff) / 100.0));
      previousMafd = mafd;
    }
    first = false;
    byte[] t = previous;
    previous = current;
    current = t;
    return score;
  }
}
