package io.lakebeam.multimodal.image;

import java.awt.image.BufferedImage;

/**
 * 64-bit perceptual hashes of pictures, the same algorithms as Python's {@code imagehash}: equal
 * pictures have equal hashes, re-encoded, slightly cropped or brightened copies differ in a few
 * bits, and unrelated pictures in about 32. Compare with {@link #distance}.
 *
 * <ul>
 *   <li>{@link #phash}: the 8x8 lowest frequencies of the DCT of a 32x32 greyscale picture, each
 *       bit set when the coefficient is above their median.
 *   <li>{@link #dhash}: a 9x8 greyscale picture, each bit set when a pixel's right neighbour is
 *       brighter.
 * </ul>
 *
 * <pre>{@code
 * boolean nearDuplicate = PerceptualHash.distance(PerceptualHash.phash(a), PerceptualHash.phash(b)) <= 10;
 * }</pre>
 */
public final class PerceptualHash {
  private static final double[][] DCT = dctMatrix(32);

  private PerceptualHash() {}

  /** The DCT-based hash (pHash) of {@code image}. */
  public static long phash(BufferedImage image) {
    double[][] px = grey(image, 32, 32);
    double[][] tmp = new double[32][32];
    // Row transform then column transform: coeffs = D * px * D^T.
    for (int i = 0; i < 8; i++) {
      for (int x = 0; x < 32; x++) {
        double sum = 0;
        for (int y = 0; y < 32; y++) {
          sum += DCT[i][y] * px[y][x];
        }
        tmp[i][x] = sum;
      }
    }
    double[] low = new double[64];
    for (int i = 0; i < 8; i++) {
      for (int j = 0; j < 8; j++) {
        double sum = 0;
        for (int x = 0; x < 32; x++) {
          sum += tmp[i][x] * DCT[j][x];
        }
        low[i * 8 + j] = sum;
      }
    }
    double[] sorted = low.clone();
    java.util.Arrays.sort(sorted);
    double median = (sorted[31] + sorted[32]) / 2;
    long hash = 0;
    for (int k = 0; k < 64; k++) {
      if (low[k] > median) {
        hash |= 1L << (63 - k);
      }
    }
    return hash;
  }

  /** The gradient hash (dHash) of {@code image}. */
  public static long dhash(BufferedImage image) {
    double[][] px = grey(image, 9, 8);
    long hash = 0;
    int k = 0;
    for (int y = 0; y < 8; y++) {
      for (int x = 0; x < 8; x++, k++) {
        if (px[y][x + 1] > px[y][x]) {
          hash |= 1L << (63 - k);
        }
      }
    }
    return hash;
  }

  /** The number of differing bits, 0-64. */
  public static int distance(long a, long b) {
    return Long.bitCount(a ^ b);
  }

  /** The hash as 16 hex digits. */
  public static String hex(long hash) {
    return String.format("%016x", hash);
  }

  /** Area-averaged greyscale (ITU-R 601 luma) at {@code w} x {@code h}. */
  static double[][] grey(BufferedImage image, int w, int h) {
    int iw = image.getWidth();
    int ih = image.getHeight();
    int[] rgb = image.getRGB(0, 0, iw, ih, null, 0, iw);
    double[][] out = new double[h][w];
    for (int y = 0; y < h; y++) {
      int y0 = y * ih / h;
      int y1 = Math.max(y0 + 1, (y + 1) * ih / h);
      for (int x = 0; x < w; x++) {
        int x0 = x * iw / w;
        int x1 = Math.max(x0 + 1, (x + 1) * iw / w);
        double sum = 0;
        for (int yy = y0; yy < y1; yy++) {
          for (int xx = x0; xx < x1; xx++) {
            int p = rgb[yy * iw + xx];
            sum += 0.299 * ((p >> 16) & 0xff) + 0.587 * ((p >> 8) & 0xff) + 0.114 * (p & 0xff);
          }
        }
        out[y][x] = sum / ((y1 - y0) * (x1 - x0));
      }
    }
    return out;
  }

  private static double[][] dctMatrix(int n) {
    double[][] m = new double[n][n];
    for (int k = 0; k < n; k++) {
      // Unnormalised DCT-II like scipy.fftpack.dct (what imagehash uses): one scale for all k.
      for (int i = 0; i < n; i++) {
        m[k][i] = Math.cos(Math.PI * (2 * i + 1) * k / (2.0 * n));
      }
    }
    return m;
  }
}
