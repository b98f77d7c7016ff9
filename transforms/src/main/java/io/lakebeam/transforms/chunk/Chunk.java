package io.lakebeam.transforms.chunk;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.transforms.BadRecords;
import org.apache.beam.sdk.schemas.Schema;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.errorhandling.BadRecord;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Beam transforms that split documents into chunks for embedding.
 *
 * <pre>{@code
 * PCollection<Row> chunks =
 *     documents.apply(Chunk.recursive().withMaxTokens(256).withOverlap(32));
 * }</pre>
 *
 * <p>Input rows need {@code doc_id} and {@code text} (and may have {@code uri} and {@code
 * content_hash}, the document version); output rows have {@link ChunkRows#SCHEMA}.
 */
public final class Chunk {
  private Chunk() {}

  /**
   * Token-aware recursive chunking: cut on sections, paragraphs, lines, sentences, words, then
   * tokens, whichever is the coarsest that fits; defaults: 256 tokens, 32 overlap, the tokenizer of
   * all-MiniLM-L6-v2.
   */
  public static Recursive recursive() {
    return new Recursive(Models.ALL_MINILM_L6_V2, 256, 32, null);
  }

  /** See {@link Chunk#recursive()}. */
  public static final class Recursive extends PTransform<PCollection<Row>, PCollection<Row>> {
    private final ModelSpec tokenizerOf;
    private final int maxTokens;
    private final int overlap;
    private final ErrorHandler<BadRecord, ?> badRecords;

    private Recursive(
        ModelSpec tokenizerOf, int maxTokens, int overlap, ErrorHandler<BadRecord, ?> badRecords) {
      this.tokenizerOf = tokenizerOf;
      this.maxTokens = maxTokens;
      this.overlap = overlap;
      this.badRecords = badRecords;
    }

    /**
     * Most tokens the embedding model sees per chunk, its special tokens included, so a model with
     * an {@code n}-token window never truncates a chunk of {@code withMaxTokens(n)}. Default 256;
     * at least 16 and at most the model's window.
     */
    public Recursive withMaxTokens(int tokens) {
      checkArgument(tokens >= 16, "Cannot chunk to fewer than 16 tokens: %s", tokens);
      return new Recursive(tokenizerOf, tokens, overlap, badRecords);
    }

    /** Tokens each chunk repeats from the end of the previous one. Default 32; below half max. */
    public Recursive withOverlap(int tokens) {
      checkArgument(tokens >= 0, "Cannot overlap by a negative number of tokens: %s", tokens);
      return new Recursive(tokenizerOf, maxTokens, tokens, badRecords);
    }

    /** Counts tokens with this model's tokenizer. Default: all-MiniLM-L6-v2's. */
    public Recursive withTokenizerOf(ModelSpec model) {
      checkArgument(model != null, "Cannot use a null model");
      return new Recursive(model, maxTokens, overlap, badRecords);
    }

    /** Sends documents that cannot be chunked to {@code handler} instead of failing. */
    public Recursive withBadRecordErrorHandler(ErrorHandler<BadRecord, ?> handler) {
      checkArgument(handler != null, "Cannot use a null error handler");
      return new Recursive(tokenizerOf, maxTokens, overlap, handler);
    }

    @Override
    public PCollection<Row> expand(PCollection<Row> docs) {
      checkArgument(
          overlap * 2 < maxTokens,
          "Cannot overlap %s tokens with %s-token chunks: keep overlap below half",
          overlap,
          maxTokens);
      checkArgument(
          maxTokens <= tokenizerOf.maxSequenceLength(),
          "Cannot make %s-token chunks for %s: its window is %s tokens",
          maxTokens,
          tokenizerOf.name(),
          tokenizerOf.maxSequenceLength());
      Schema schema = docs.getSchema();
      for (String f : new String[] {ChunkRows.DOC_ID, ChunkRows.TEXT}) {
        checkArgument(
            schema.hasField(f),
            "Cannot chunk rows without a '%s' field (fields: %s)",
            f,
            schema.getFieldNames());
      }
      BadRecordRouter router = BadRecords.routerFor(badRecords);
      PCollectionTuple out =
          docs.apply(
              "Split into chunks",
              ParDo.of(new ChunkFn(tokenizerOf, maxTokens, overlap, router))
                  .withOutputTags(ChunkFn.CHUNKS, TupleTagList.of(BadRecordRouter.BAD_RECORD_TAG)));
      BadRecords.collect(out, badRecords);
      return out.get(ChunkFn.CHUNKS).setRowSchema(ChunkRows.SCHEMA);
    }
  }
}
