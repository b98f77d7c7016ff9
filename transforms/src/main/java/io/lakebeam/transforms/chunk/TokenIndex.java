package io.lakebeam.transforms.chunk;

import io.lakebeam.embeddings.TextTokenizer;
import java.util.Arrays;

/**
 * Where every token of a text begins, so that the token count of any character range is two binary
 * searches. Long texts are tokenized in blocks cut at whitespace, which gives the same tokens for
 * tokenizers that pre-split on whitespace (WordPiece, BPE and Unigram models alike).
 */
final class TokenIndex {
  static final int BLOCK_CHARS = 64 * 1024;

  private final int[] starts;

  private TokenIndex(int[] starts) {
    this.starts = starts;
  }

  static TokenIndex of(String text, TextTokenizer tokenizer) {
    int[] all = new int[Math.max(16, text.length() / 4)];
    int n = 0;
    int from = 0;
    while (from < text.length()) {
      int to = blockEnd(text, from);
      int[] block = tokenizer.tokenStarts(text.substring(from, to));
      if (n + block.length > all.length) {
        all = Arrays.copyOf(all, Math.max(all.length * 2, n + block.length));
      }
      for (int s : block) {
        all[n++] = from + s;
      }
      from = to;
    }
    return new TokenIndex(Arrays.copyOf(all, n));
  }

  private static int blockEnd(String text, int from) {
    int limit = from + BLOCK_CHARS;
    if (limit >= text.length()) {
      return text.length();
    }
    int cut = text.lastIndexOf("\n\n", limit);
    if (cut <= from) {
      cut = limit;
      while (cut > from && !Character.isWhitespace(text.charAt(cut - 1))) {
        cut--;
      }
      if (cut == from) {
        return limit;
      }
      return cut;
    }
    return cut + 2;
  }

  /** Tokens that begin inside {@code [start, end)}. */
  int count(int start, int end) {
    return lowerBound(end) - lowerBound(start);
  }

  /** Index of the first token that begins at or after {@code offset}. */
  int lowerBound(int offset) {
    int i = Arrays.binarySearch(starts, offset);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && starts[i - 1] == offset) {
      i--;
    }
    return i;
  }

  /** Character offset where token {@code i} begins. */
  int start(int i) {
    return starts[i];
  }

  int size() {
    return starts.length;
  }
}
