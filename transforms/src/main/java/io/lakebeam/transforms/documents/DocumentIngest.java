package io.lakebeam.transforms.documents;

import static com.google.common.base.Preconditions.checkArgument;

import io.lakebeam.core.index.IndexParams;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.ExternalFiles;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.embeddings.ModelSpec;
import io.lakebeam.embeddings.Models;
import io.lakebeam.multimodal.documents.ExtractionLimits;
import io.lakebeam.transforms.chunk.Chunk;
import io.lakebeam.transforms.chunk.ChunkRows;
import io.lakebeam.transforms.embed.Embed;
import io.lakebeam.transforms.lake.Lake;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.Wait;
import org.apache.beam.sdk.transforms.errorhandling.ErrorHandler.BadRecordErrorHandler;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.Row;

/**
 * The whole documents-to-embedded-chunks pipeline into one namespace of a lakehouse: {@code
 * <ns>.documents} (one row per file: URI, hash, MIME type, metadata, text), {@code <ns>.chunks}
 * (chunks with offsets and their embedding) and {@code <ns>.failures} (every file or chunk that
 * failed, with the reason).
 *
 * <pre>{@code
 * Pipeline p = Pipeline.create(options);
 * DocumentIngest ingest = DocumentIngest.of("/data/raw", lake, "corpus").withMaxTokens(256);
 * ingest.applyTo(p);
 * p.run().waitUntilFinish();
 * ingest.refreshIndex(); // the chunks' vector index covers what was ingested
 * }</pre>
 *
 * <p>Re-ingesting is incremental: unchanged files (same content hash) are skipped, and a changed
 * file's chunks replace its old chunks in one commit. Chunks commit before documents, so a document
 * row always means its chunks are in the table.
 */
public final class DocumentIngest {
  private final String source;
  private final Lakehouse lakehouse;
  private final String namespace;
  private final ModelSpec model;
  private final int maxTokens;
  private final int overlap;
  private final ExtractionLimits limits;

  private DocumentIngest(
      String source,
      Lakehouse lakehouse,
      String namespace,
      ModelSpec model,
      int maxTokens,
      int overlap,
      ExtractionLimits limits) {
    this.source = source;
    this.lakehouse = lakehouse;
    this.namespace = namespace;
    this.model = model;
    this.maxTokens = maxTokens;
    this.overlap = overlap;
    this.limits = limits;
  }

  /** Ingests {@code source} (file, directory, glob or s3:// prefix) into {@code namespace}. */
  public static DocumentIngest of(String source, Lakehouse lakehouse, String namespace) {
    checkArgument(
        namespace != null && namespace.matches("[A-Za-z_][A-Za-z0-9_]*"),
        "Cannot ingest into '%s': use a name of letters, digits and underscores",
        namespace);
    return new DocumentIngest(
        source,
        lakehouse,
        namespace,
        Models.ALL_MINILM_L6_V2,
        256,
        32,
        ExtractionLimits.defaults());
  }

  /** The embedding model (its tokenizer also sizes the chunks). Default: all-MiniLM-L6-v2. */
  public DocumentIngest withModel(ModelSpec newModel) {
    return new DocumentIngest(source, lakehouse, namespace, newModel, maxTokens, overlap, limits);
  }

  /** Tokens per chunk, special tokens included. Default 256. */
  public DocumentIngest withMaxTokens(int tokens) {
    return new DocumentIngest(source, lakehouse, namespace, model, tokens, overlap, limits);
  }

  /** Tokens repeated between neighbouring chunks. Default 32. */
  public DocumentIngest withOverlap(int tokens) {
    return new DocumentIngest(source, lakehouse, namespace, model, maxTokens, tokens, limits);
  }

  /** Extraction limits. Default: {@link ExtractionLimits#defaults()}. */
  public DocumentIngest withLimits(ExtractionLimits newLimits) {
    return new DocumentIngest(source, lakehouse, namespace, model, maxTokens, overlap, newLimits);
  }

  public String documentsCollection() {
    return namespace + ".documents";
  }

  public String chunksCollection() {
    return namespace + ".chunks";
  }

  public String failuresCollection() {
    return namespace + ".failures";
  }

  /**
   * After the pipeline has run: builds the chunks' vector index, or refreshes it to cover the new
   * chunks (only new data files are indexed); does nothing while the chunks table is empty. Returns
   * what was done.
   */
  public Map<String, Object> refreshIndex() {
    Collection chunks = lakehouse.collection(chunksCollection()).refreshMetadata();
    Map<String, Object> out = new LinkedHashMap<>();
    long start = System.nanoTime();
    if (chunks.snapshotId() < 0) {
      out.put("action", "none");
      out.put("reason", "no chunks yet: every document failed or was skipped");
      return out;
    }
    if (lakehouse.indexes().describe(chunks).isEmpty()) {
      var built = lakehouse.indexes().build(chunks, "embedding", null, IndexParams.defaults());
      out.put("action", "built");
      out.put("rows_indexed", built.rowsIndexed());
    } else {
      var refreshed = lakehouse.indexes().refresh(chunks);
      out.put("action", "refreshed");
      out.put("rows_indexed", refreshed.stream().mapToLong(r -> r.rowsIndexed()).sum());
    }
    out.put("seconds", Math.round((System.nanoTime() - start) / 1e7) / 100.0);
    return out;
  }

  /** Adds the ingest steps to {@code p}; run the pipeline to ingest. */
  public void applyTo(Pipeline p) {
    // Fail on a missing or empty source before any collection is created.
    ExternalFiles.list(lakehouse.io(), source, "**");
    int chunkTokens = Math.min(maxTokens, model.maxSequenceLength());
    try (BadRecordErrorHandler<PCollection<Row>> failures =
        p.registerBadRecordErrorHandler(Lake.writeFailures(lakehouse, failuresCollection()))) {
      PCollection<Row> documents =
          p.apply(
              "Read documents",
              Documents.read(source)
                  .withLakehouse(lakehouse)
                  .skippingUnchangedIn(documentsCollection())
                  .withLimits(limits)
                  .withBadRecordErrorHandler(failures));
      PCollection<Row> chunksWritten =
          documents
              .apply(
                  "Chunk",
                  Chunk.recursive()
                      .withTokenizerOf(model)
                      .withMaxTokens(chunkTokens)
                      .withOverlap(overlap)
                      .withBadRecordErrorHandler(failures))
              .apply("Embed", Embed.text().withModel(model).withBadRecordErrorHandler(failures))
              .apply(
                  "Write chunks",
                  Lake.write(lakehouse, chunksCollection())
                      .withReplaceKey(ChunkRows.DOC_ID)
                      .withBadRecordErrorHandler(failures));
      documents
          .apply("After chunks commit", Wait.on(chunksWritten))
          .setRowSchema(DocumentRows.SCHEMA)
          .apply(
              "Write documents",
              Lake.write(lakehouse, documentsCollection()).withReplaceKey(DocumentRows.DOC_ID));
    }
  }
}
