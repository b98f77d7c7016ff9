package io.lakebeam.multimodal.documents;

/**
 * Normalizes extracted text for chunkers, and recognizes text that is really decoded binary.
 *
 * <p>Normalized text has {@code \n} line ends, no trailing spaces on lines, at most one blank line
 * in a row, no control characters other than tab and newline, and no leading or trailing
 * whitespace.
 */
final class TextCleanup {

  /** Above this share of suspicious characters, "text" is decoded binary data. */
  static final double MAX_SUSPICIOUS_SHARE = 0.10;

  private TextCleanup() {}

  static String normalize(String raw) {
    StringBuilder out = new StringBuilder(raw.length());
    int newlines = 0;
    StringBuilder spaces = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\r') {
        if (i + 1 < raw.length() && raw.charAt(i + 1) == '\n') {
          continue; // \r\n counts once, at its \n
        }
        c = '\n';
      }
      if (c == '\f' || c == '\u000B' || c == '\u2028' || c == '\u2029') {
        c = '\n';
      }
      if (c == '\n') {
        newlines++;
        spaces.setLength(0); // trailing spaces of the line are dropped
      } else if (c == ' ' || c == '\t' || c == '\u00A0') {
        spaces.append(c == '\u00A0' ? ' ' : c);
      } else if (Character.isISOControl(c)) {
        // dropped: NUL, escape codes and C1 controls are never text
      } else {
        if (!out.isEmpty()) { // leading whitespace of the whole text is dropped
          out.append("\n".repeat(Math.min(newlines, 2)));
          out.append(spaces);
        }
        out.append(c);
        newlines = 0;
        spaces.setLength(0);
      }
    }
    return out.toString();
  }

  /**
   * True when more than {@link #MAX_SUSPICIOUS_SHARE} of the non-whitespace characters are ones
   * real text does not have: replacement characters, control characters, unpaired surrogates,
   * private-use and unassigned code points. That is random bytes decoded as some charset: as a
   * single-byte charset they give many control characters, as UTF-16 a mix of unassigned,
   * private-use and surrogate code points.
   */
  static boolean looksLikeBinary(String raw) {
    long visible = 0;
    long suspicious = 0;
    for (int i = 0; i < raw.length(); ) {
      int c = raw.codePointAt(i);
      i += Character.charCount(c);
      if (c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == ' ') {
        continue;
      }
      visible++;
      if (isSuspicious(c)) {
        suspicious++;
      }
    }
    return visible > 0 && suspicious > MAX_SUSPICIOUS_SHARE * visible;
  }

  private static boolean isSuspicious(int codePoint) {
    if (codePoint == '\uFFFD') {
      return true;
    }
    return switch (Character.getType(codePoint)) {
      case Character.CONTROL, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED ->
          true;
      default -> false;
    };
  }
}
