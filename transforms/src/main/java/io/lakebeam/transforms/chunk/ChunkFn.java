package io.lakebeam.transforms.chunk;

import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.TextTokenizer;
import java.util.List;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;

/** Splits each document row into chunk rows with {@link RecursiveChunker}. */
final class ChunkFn extends DoFn<Row, Row> {
  static final TupleTag<Row> CHUNKS = new TupleTag<>() {};

  private final ModelSpec tokenizerOf;
  private final int maxTokens;
  private final int overlap;
  private final BadRecordRouter badRecords;
  private final Counter chunks = Metrics.counter("lakebeam", "chunks");
  private final Distribution tokens = Metrics.distribution("lakebeam", "chunk_tokens");
  private transient RecursiveChunker chunker;

  ChunkFn(ModelSpec tokenizerOf, int maxTokens, int overlap, BadRecordRouter badRecords) {
    this.tokenizerOf = tokenizerOf;
    this.maxTokens = maxTokens;
    this.overlap = overlap;
    this.badRecords = badRecords;
  }

  @Setup
  public void setup() {
    TextTokenizer tokenizer = TextTokenizer.load(tokenizerOf);
    chunker = new RecursiveChunker(tokenizer, maxTokens - tokenizer.specialTokens(), overlap);
  }

  @ProcessElement
  public void process(@Element Row doc, MultiOutputReceiver out) throws Exception {
    String docId = doc.getString(ChunkRows.DOC_ID);
    String text = doc.getString(ChunkRows.TEXT);
    String uri = field(doc, ChunkRows.URI);
    String version = field(doc, "content_hash");
    List<ChunkSpan> spans;
    try {
      spans = chunker.split(text == null ? "" : text);
    } catch (RuntimeException e) {
      badRecords.route(
          out,
          uri == null ? docId : uri,
          StringUtf8Coder.of(),
          e,
          "[chunk] Cannot chunk document " + docId + ": " + e.getMessage());
      return;
    }
    if (spans.isEmpty()) {
      badRecords.route(
          out,
          uri == null ? docId : uri,
          StringUtf8Coder.of(),
          new IllegalArgumentException("no text to chunk"),
          "[chunk] Cannot chunk document " + docId + ": its text has no tokens");
      return;
    }
    for (int i = 0; i < spans.size(); i++) {
      ChunkSpan s = spans.get(i);
      out.get(CHUNKS)
          .output(
              Row.withSchema(ChunkRows.SCHEMA)
                  .addValues(
                      docId + ":" + i,
                      docId,
                      version,
                      uri,
                      i,
                      s.start(),
                      s.end(),
                      s.tokens(),
                      text.substring(s.start(), s.end()))
                  .build());
      chunks.inc();
      tokens.update(s.tokens());
    }
  }

  private static String field(Row row, String name) {
    return row.getSchema().hasField(name) ? row.getString(name) : null;
  }
}
