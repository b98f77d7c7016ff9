package io.lakebeam.cli;

import java.util.Locale;

/** Parses sizes such as {@code 512m}, {@code 20g}, {@code 1.5g} or plain bytes. */
final class ByteSize {
  private ByteSize() {}

  static long parse(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
    long unit = 1;
    if (!s.isEmpty() && "kmgt".indexOf(s.charAt(s.length() - 1)) >= 0) {
      unit = 1L << (10 * ("kmgt".indexOf(s.charAt(s.length() - 1)) + 1));
      s = s.substring(0, s.length() - 1);
    }
    try {
      double v = Double.parseDouble(s);
      if (v < 0 || Double.isNaN(v)) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "Cannot read size '" + text + "': use bytes or a number with k, m, g or t (e.g. 2g)");
    }
  }
}
