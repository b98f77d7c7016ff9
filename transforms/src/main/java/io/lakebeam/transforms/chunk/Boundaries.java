package io.lakebeam.transforms.chunk;

import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where text may be cut, from the coarsest structure to the finest: sections (before headings),
 * paragraphs (blank lines), lines, sentences, words. Each method returns the cut positions strictly
 * inside {@code [start, end)}, ascending.
 */
final class Boundaries {
  /** The structural levels, coarsest first. */
  enum Level {
    SECTION,
    PARAGRAPH,
    LINE,
    SENTENCE,
    WORD
  }

  private static final Pattern HEADING =
      Pattern.compile("(?m)^(#{1,6}[ \\t]+\\S|[^\\n]{1,120}\\n(=+|-+)[ \\t]*$)");
  private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t\\x0B\\f\\r]*\\n\\s*");

  private Boundaries() {}

  static List<Integer> cuts(String text, int start, int end, Level level) {
    return switch (level) {
      case SECTION -> matchStarts(HEADING, text, start, end);
      case PARAGRAPH -> matchEnds(BLANK_LINES, text, start, end);
      case LINE -> after(text, start, end, '\n');
      case SENTENCE -> sentences(text, start, end);
      case WORD -> words(text, start, end);
    };
  }

  private static List<Integer> matchStarts(Pattern p, String text, int start, int end) {
    List<Integer> cuts = new ArrayList<>();
    Matcher m = p.matcher(text).region(start, end);
    m.useAnchoringBounds(false);
    while (m.find()) {
      if (m.start() > start) {
        cuts.add(m.start());
      }
    }
    return cuts;
  }

  private static List<Integer> matchEnds(Pattern p, String text, int start, int end) {
    List<Integer> cuts = new ArrayList<>();
    Matcher m = p.matcher(text).region(start, end);
    while (m.find()) {
      if (m.end() > start && m.end() < end) {
        cuts.add(m.end());
      }
    }
    return cuts;
  }

  private static List<Integer> after(String text, int start, int end, char c) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = start; i < end - 1; i++) {
      if (text.charAt(i) == c) {
        cuts.add(i + 1);
      }
    }
    return cuts;
  }

  private static List<Integer> sentences(String text, int start, int end) {
    BreakIterator it = BreakIterator.getSentenceInstance(Locale.ROOT);
    it.setText(text.substring(start, end));
    List<Integer> cuts = new ArrayList<>();
    for (int b = it.next(); b != BreakIterator.DONE; b = it.next()) {
      if (b > 0 && start + b < end) {
        cuts.add(start + b);
      }
    }
    return cuts;
  }

  private static List<Integer> words(String text, int start, int end) {
    List<Integer> cuts = new ArrayList<>();
    for (int i = start + 1; i < end; i++) {
      if (Character.isWhitespace(text.charAt(i - 1)) && !Character.isWhitespace(text.charAt(i))) {
        cuts.add(i);
      }
    }
    return cuts;
  }
}
