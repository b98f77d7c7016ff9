package io.lakebeam.transforms.curation;

import java.util.Arrays;

/**
 * Word n-gram shingles of a text, as sorted distinct 64-bit hashes. Words are maximal runs of
 * letters or digits, lower-cased character by character; a text shorter than {@code n} words is one
 * shingle.
 */
final class Shingles {
  private Shingles() {}

  static long[] of(String text, int n) {
    long[] words = wordHashes(text);
    if (words.length == 0) {
      return new long[0];
    }
    int count = Math.max(1, words.length - n + 1);
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      long h = 0x9E3779B97F4A7C15L;
      for (int j = i; j < Math.min(i + n, words.length); j++) {
        h = mix(h * 31 + words[j]);
      }
      out[i] = h;
    }
    Arrays.sort(out);
    int distinct = 0;
    for (int i = 0; i < out.length; i++) {
      if (i == 0 || out[i] != out[i - 1]) {
        out[distinct++] = out[i];
      }
    }
    return Arrays.copyOf(out, distinct);
  }

  /** Whether {@code text} has at least one word (a letter or digit). */
  static boolean hasWords(String text) {
    if (text == null) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isLetterOrDigit(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Exact Jaccard similarity of two sorted distinct hash sets. */
  static double jaccard(long[] a, long[] b) {
    int i = 0;
    int j = 0;
    int common = 0;
    while (i < a.length && j < b.length) {
      if (a[i] == b[j]) {
        common++;
        i++;
        j++;
      } else if (a[i] < b[j]) {
        i++;
      } else {
        j++;
      }
    }
    int union = a.length + b.length - common;
    return union == 0 ? 1.0 : (double) common / union;
  }

  private static long[] wordHashes(String text) {
    long[] out = new long[16];
    int n = 0;
    int i = 0;
    int len = text.length();
    while (i < len) {
      while (i < len && !isWordChar(text.charAt(i))) {
        i++;
      }
      if (i >= len) {
        break;
      }
      long h = 1125899906842597L;
      char c;
      while (i < len && isWordChar(c = text.charAt(i))) {
        h = 31 * h + lower(c);
        i++;
      }
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = mix(h);
    }
    return Arrays.copyOf(out, n);
  }

  /** Letters and digits make words; ASCII is decided without a Unicode table look-up. */
  private static boolean isWordChar(char c) {
    if (c < 128) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    return Character.isLetterOrDigit(c);
  }

  private static char lower(char c) {
    if (c < 128) {
      return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }
    return Character.toLowerCase(c);
  }

  /** A 64-bit finaliser (SplitMix64) so that similar inputs get unrelated hashes. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
