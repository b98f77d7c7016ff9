package io.lakebeam.transforms.chunk;

import io.lakebeam.embeddings.TextTokenizer;
import io.lakebeam.transforms.chunk.Boundaries.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits text into chunks of at most {@code maxTokens} of a model's tokens, cutting on the coarsest
 * structure that fits (sections, paragraphs, lines, sentences, words, then tokens), packing
 * neighbouring pieces together, and starting each chunk {@code overlap} tokens before the previous
 * one ended (at a word start). Chunks are ranges of the original text, so their offsets are exact.
 *
 * <p>A new section starts a new chunk when the current one is at least half full. Thread-safe.
 */
public final class RecursiveChunker {
  private static final Level[] LEVELS = Level.values();

  private final TextTokenizer tokenizer;
  private final int maxTokens;
  private final int overlap;

  /**
   * @param maxTokens tokens per chunk, special tokens excluded (at least 8)
   * @param overlap tokens repeated from the end of the previous chunk ({@code < maxTokens / 2})
   */
  public RecursiveChunker(TextTokenizer tokenizer, int maxTokens, int overlap) {
    if (maxTokens < 8 || overlap < 0 || overlap * 2 >= maxTokens) {
      throw new IllegalArgumentException(
          "Cannot chunk with maxTokens "
              + maxTokens
              + " and overlap "
              + overlap
              + ": need maxTokens >= 8 and 0 <= overlap < maxTokens / 2");
    }
    this.tokenizer = tokenizer;
    this.maxTokens = maxTokens;
    this.overlap = overlap;
  }

  /** Splits {@code text}; returns no chunk for text without tokens. */
  public List<ChunkSpan> split(String text) {
    TokenIndex tokens = TokenIndex.of(text, tokenizer);
    List<Piece> pieces = new ArrayList<>();
    atoms(text, tokens, 0, text.length(), 0, true, pieces);
    return pack(text, tokens, pieces);
  }

  /** A range that fits in one chunk, and whether it begins a section. */
  private record Piece(int start, int end, boolean sectionStart) {}

  private void atoms(
      String text,
      TokenIndex tokens,
      int start,
      int end,
      int level,
      boolean sectionStart,
      List<Piece> out) {
    if (tokens.count(start, end) <= maxTokens) {
      out.add(new Piece(start, end, sectionStart));
      return;
    }
    if (level == LEVELS.length) {
      splitByTokens(tokens, start, end, sectionStart, out);
      return;
    }
    List<Integer> cuts = Boundaries.cuts(text, start, end, LEVELS[level]);
    int from = start;
    boolean first = true;
    for (int cut : cuts) {
      atoms(text, tokens, from, cut, level + 1, first ? sectionStart : level == 0, out);
      from = cut;
      first = false;
    }
    atoms(text, tokens, from, end, level + 1, first ? sectionStart : level == 0, out);
  }

  private void splitByTokens(
      TokenIndex tokens, int start, int end, boolean sectionStart, List<Piece> out) {
    int first = tokens.lowerBound(start);
    int last = tokens.lowerBound(end);
    int from = start;
    for (int t = first + maxTokens; t < last; t += maxTokens) {
      out.add(new Piece(from, tokens.start(t), sectionStart && from == start));
      from = tokens.start(t);
    }
    out.add(new Piece(from, end, sectionStart && from == start));
  }

  private List<ChunkSpan> pack(String text, TokenIndex tokens, List<Piece> pieces) {
    List<ChunkSpan> chunks = new ArrayList<>();
    int start = -1;
    int end = -1;
    for (Piece p : pieces) {
      if (start < 0) {
        start = p.start();
        end = p.end();
        continue;
      }
      int used = tokens.count(start, end);
      boolean fits = tokens.count(start, p.end()) <= maxTokens;
      boolean sectionBreak = p.sectionStart() && used * 2 >= maxTokens;
      if (fits && !sectionBreak) {
        end = p.end();
        continue;
      }
      emit(text, tokens, start, end, chunks);
      start = overlapStart(text, tokens, end, p.end());
      end = p.end();
    }
    if (start >= 0) {
      emit(text, tokens, start, end, chunks);
    }
    return chunks;
  }

  /**
   * Where the chunk after one ending at {@code previousEnd} begins: {@code overlap} tokens earlier,
   * moved forward to a word start, and never so early that the piece ending at {@code pieceEnd} no
   * longer fits.
   */
  private int overlapStart(String text, TokenIndex tokens, int previousEnd, int pieceEnd) {
    if (overlap == 0) {
      return previousEnd;
    }
    int endToken = tokens.lowerBound(previousEnd);
    int t = Math.max(0, endToken - overlap);
    while (t < endToken && !startsWord(text, tokens.start(t))) {
      t++;
    }
    while (t < endToken && tokens.count(tokens.start(t), pieceEnd) > maxTokens) {
      t++;
    }
    return t < endToken ? tokens.start(t) : previousEnd;
  }

  private static boolean startsWord(String text, int offset) {
    return offset == 0 || !Character.isLetterOrDigit(text.charAt(offset - 1));
  }

  private static void emit(
      String text, TokenIndex tokens, int start, int end, List<ChunkSpan> out) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    int n = tokens.count(start, end);
    if (n > 0) {
      out.add(new ChunkSpan(start, end, n));
    }
  }
}
