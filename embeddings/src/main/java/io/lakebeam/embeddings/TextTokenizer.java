package io.lakebeam.embeddings;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tokenizer of an embedding model, for measuring text in the model's own tokens (chunking
 * budgets) without running the model. Thread-safe; one instance per model is shared by the JVM.
 *
 * <pre>{@code
 * TextTokenizer tokens = TextTokenizer.load(Models.ALL_MINILM_L6_V2);
 * int n = tokens.count("Iceberg tables are the source of truth");
 * int[] starts = tokens.tokenStarts(text); // char offset where each token begins
 * }</pre>
 */
public final class TextTokenizer {
  private static final ConcurrentHashMap<ModelSpec, TextTokenizer> SHARED =
      new ConcurrentHashMap<>();

  private final ModelSpec spec;
  private final HuggingFaceTokenizer tokenizer;
  private final int specialTokens;

  private TextTokenizer(ModelSpec spec, HuggingFaceTokenizer tokenizer) {
    this.spec = spec;
    this.tokenizer = tokenizer;
    try (HuggingFaceTokenizer withSpecials = open(spec, true)) {
      this.specialTokens =
          withSpecials.encode("a").getIds().length
              - tokenizer.encode("a", false, false).getIds().length;
    }
  }

  /**
   * Returns the JVM-wide tokenizer of {@code spec}'s model, loading it on first use.
   *
   * @throws EmbeddingModelException if the tokenizer cannot be loaded
   */
  public static TextTokenizer load(ModelSpec spec) {
    Objects.requireNonNull(spec, "spec");
    return SHARED.computeIfAbsent(spec, s -> new TextTokenizer(s, open(s, false)));
  }

  /** The model whose tokenizer this is. */
  public ModelSpec spec() {
    return spec;
  }

  /**
   * How many special tokens ({@code [CLS]}, {@code [SEP]}, ...) the model adds to every text; a
   * text of {@code n} tokens fills {@code n + specialTokens()} of the model's window.
   */
  public int specialTokens() {
    return specialTokens;
  }

  /** Counts the tokens of {@code text}, special tokens excluded, never truncated. */
  public int count(String text) {
    return tokenStarts(text).length;
  }

  /**
   * Returns the character offset in {@code text} at which each token begins, in order (special
   * tokens excluded, never truncated). A word split into several word pieces yields several
   * offsets.
   */
  public int[] tokenStarts(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      return new int[0];
    }
    Encoding encoding = tokenizer.encode(text, false, false);
    CharSpan[] spans = encoding.getCharTokenSpans();
    int[] starts = new int[spans.length];
    int n = 0;
    for (CharSpan span : spans) {
      if (span != null) {
        starts[n++] = span.getStart();
      }
    }
    return n == starts.length ? starts : java.util.Arrays.copyOf(starts, n);
  }

  private static HuggingFaceTokenizer open(ModelSpec spec, boolean addSpecialTokens) {
    Map<String, String> options =
        Map.of(
            "addSpecialTokens", Boolean.toString(addSpecialTokens),
            "withOverflowingTokens", "false",
            "truncation", "false",
            "padding", "false",
            "modelMaxLength", Integer.toString(Integer.MAX_VALUE / 2));
    try (InputStream in = spec.tokenizer().open()) {
      return HuggingFaceTokenizer.newInstance(in, options);
    } catch (IOException | RuntimeException e) {
      throw new EmbeddingModelException(
          "Cannot load the tokenizer of model "
              + spec.name()
              + " from "
              + spec.tokenizer().describe()
              + ": "
              + e.getMessage(),
          e);
    }
  }
}
