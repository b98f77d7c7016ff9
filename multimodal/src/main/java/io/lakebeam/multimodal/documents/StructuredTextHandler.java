package io.lakebeam.multimodal.documents;

import java.util.Locale;
import java.util.Set;
import org.apache.tika.exception.WriteLimitReachedException;
import org.xml.sax.Attributes;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Turns Tika's XHTML events into plain text that keeps the document's structure: a blank line
 * between paragraphs and around headings, a line per list item and table row, a tab between table
 * cells. The head ({@code <title>}, {@code <meta>}), scripts and styles are left out.
 *
 * <p>It stops the parse once {@code maxChars} characters are collected (throwing Tika's {@link
 * WriteLimitReachedException}, which parsers let through), and at the next event after {@link
 * #abandon()}. One handler serves one parse; only {@link #abandon()} may be called from another
 * thread.
 */
final class StructuredTextHandler extends DefaultHandler {

  private static final Set<String> PARAGRAPH_ELEMENTS =
      Set.of(
          ("p div h1 h2 h3 h4 h5 h6 pre blockquote table ul ol dl section article header footer"
                  + " aside nav figure address hr body")
              .split(" "));
  private static final Set<String> LINE_ELEMENTS =
      Set.of("br", "li", "tr", "dt", "dd", "option", "caption", "figcaption");
  private static final Set<String> CELL_ELEMENTS = Set.of("td", "th");
  private static final Set<String> IGNORED_ELEMENTS =
      Set.of("head", "title", "script", "style", "template");

  private static final int NO_BREAK = 0;
  private static final int LINE_BREAK = 1;
  private static final int PARAGRAPH_BREAK = 2;

  private final StringBuilder text = new StringBuilder();
  private final int maxChars;
  private volatile boolean abandoned;
  private boolean truncated;
  private int ignoredDepth;
  private int pendingBreak = NO_BREAK;
  private boolean pendingCell;

  StructuredTextHandler(int maxChars) {
    this.maxChars = maxChars;
  }

  /** Makes the parse fail at its next event; safe to call from any thread. */
  void abandon() {
    abandoned = true;
  }

  /** True when the text was cut at the character limit. */
  boolean truncated() {
    return truncated;
  }

  /** The raw collected text (not yet normalized by {@link TextCleanup}). */
  String rawText() {
    return text.toString();
  }

  @Override
  public void startElement(String uri, String localName, String qName, Attributes attributes)
      throws SAXException {
    checkRunning();
    String name = name(localName, qName);
    if (IGNORED_ELEMENTS.contains(name)) {
      ignoredDepth++;
    } else if (PARAGRAPH_ELEMENTS.contains(name)) {
      breakAtLeast(PARAGRAPH_BREAK);
    } else if (LINE_ELEMENTS.contains(name)) {
      breakAtLeast(LINE_BREAK);
    } else if (CELL_ELEMENTS.contains(name)) {
      pendingCell = true;
    }
  }

  @Override
  public void endElement(String uri, String localName, String qName) throws SAXException {
    checkRunning();
    String name = name(localName, qName);
    if (IGNORED_ELEMENTS.contains(name)) {
      ignoredDepth = Math.max(0, ignoredDepth - 1);
    } else if (PARAGRAPH_ELEMENTS.contains(name)) {
      breakAtLeast(PARAGRAPH_BREAK);
    } else if (LINE_ELEMENTS.contains(name)) {
      breakAtLeast(LINE_BREAK);
    }
  }

  @Override
  public void characters(char[] ch, int start, int length) throws SAXException {
    checkRunning();
    if (ignoredDepth > 0 || length == 0) {
      return;
    }
    flushPendingSeparator();
    append(ch, start, length);
  }

  @Override
  public void ignorableWhitespace(char[] ch, int start, int length) throws SAXException {
    // Tika writes a newline after each block as ignorable whitespace; the block elements
    // themselves already place the breaks.
    checkRunning();
  }

  private void checkRunning() throws SAXException {
    if (abandoned) {
      throw new SAXException("Extraction abandoned: the parse ran past its timeout");
    }
    if (truncated) {
      throw new WriteLimitReachedException(maxChars);
    }
  }

  private void breakAtLeast(int kind) {
    pendingBreak = Math.max(pendingBreak, kind);
    pendingCell = false;
  }

  private void flushPendingSeparator() throws SAXException {
    if (text.isEmpty()) {
      pendingBreak = NO_BREAK;
      pendingCell = false;
      return;
    }
    if (pendingBreak == PARAGRAPH_BREAK) {
      append("\n\n");
    } else if (pendingBreak == LINE_BREAK) {
      append("\n");
    } else if (pendingCell && text.charAt(text.length() - 1) != '\n') {
      append("\t");
    }
    pendingBreak = NO_BREAK;
    pendingCell = false;
  }

  private void append(String s) throws SAXException {
    append(s.toCharArray(), 0, s.length());
  }

  private void append(char[] ch, int start, int length) throws SAXException {
    int room = maxChars - text.length();
    if (length <= room) {
      text.append(ch, start, length);
      return;
    }
    int keep = room;
    if (keep > 0 && Character.isHighSurrogate(ch[start + keep - 1])) {
      keep--; // never end on half a surrogate pair
    }
    text.append(ch, start, keep);
    truncated = true;
    throw new WriteLimitReachedException(maxChars);
  }

  private static String name(String localName, String qName) {
    String name = localName == null || localName.isEmpty() ? qName : localName;
    return name == null ? "" : name.toLowerCase(Locale.ROOT);
  }
}
