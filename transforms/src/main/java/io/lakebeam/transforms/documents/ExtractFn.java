package io.lakebeam.transforms.documents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.multimodal.documents.DocumentExtractor;
import io.lakebeam.multimodal.documents.ExtractedDocument;
import io.lakebeam.multimodal.documents.ExtractionException;
import io.lakebeam.multimodal.documents.ExtractionLimits;
import io.lakebeam.transforms.LocalProgress;
import io.lakebeam.transforms.lake.LakeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.errorhandling.BadRecordRouter;
import org.apache.beam.sdk.values.Row;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * Extracts one document per file URI with Tika; files whose content hash is already in the
 * documents table are skipped, files that cannot be extracted go to the bad-record output.
 */
final class ExtractFn extends DoFn<String, Row> {
  static final TupleTag<Row> DOCUMENTS = new TupleTag<>() {};
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DocumentSource source;
  private final ExtractionLimits limits;
  private final LakeTarget knownDocuments;
  private final long knownSnapshot;
  private final BadRecordRouter badRecords;
  private final Counter extracted = Metrics.counter("lakebeam", "documents_extracted");
  private final Counter skipped = Metrics.counter("lakebeam", "documents_skipped");
  private final Counter failed = Metrics.counter("lakebeam", "documents_failed");
  private final Counter bytes = Metrics.counter("lakebeam", "document_bytes");
  private transient DocumentExtractor extractor;
  private transient Map<String, String> known;

  ExtractFn(
      DocumentSource source,
      ExtractionLimits limits,
      LakeTarget knownDocuments,
      long knownSnapshot,
      BadRecordRouter badRecords) {
    this.source = source;
    this.limits = limits;
    this.knownDocuments = knownDocuments;
    this.knownSnapshot = knownSnapshot;
    this.badRecords = badRecords;
  }

  @Setup
  public void setup() {
    extractor = DocumentExtractor.create(limits);
    known = Map.of();
    if (knownDocuments != null && knownSnapshot >= 0) {
      Collection docs = knownDocuments.load();
      known = KnownVersions.read(docs, knownSnapshot);
    }
  }

  @ProcessElement
  public void process(@Element String uri, MultiOutputReceiver out) throws Exception {
    String docId = docId(uri);
    String knownHash = known.get(docId);
    if (knownHash != null && knownHash.equals(hashOrNull(uri))) {
      skipped.inc();
      LocalProgress.FILES_SKIPPED.increment();
      return;
    }
    ExtractedDocument doc;
    try {
      long size = source.size(uri);
      doc = extractor.extract(uri, size, () -> source.open(uri));
    } catch (ExtractionException e) {
      fail(out, uri, e, e.getMessage());
      return;
    } catch (IOException | RuntimeException e) {
      fail(out, uri, e, "Cannot extract " + uri + ": " + e);
      return;
    }
    extracted.inc();
    bytes.inc(doc.sizeBytes());
    LocalProgress.FILES_EXTRACTED.increment();
    LocalProgress.BYTES_EXTRACTED.add(doc.sizeBytes());
    out.get(DOCUMENTS)
        .output(
            Row.withSchema(DocumentRows.SCHEMA)
                .addValues(
                    docId,
                    uri,
                    doc.contentHash(),
                    doc.mimeType(),
                    doc.sizeBytes(),
                    doc.title(),
                    doc.language(),
                    json(doc.metadata()),
                    doc.text(),
                    doc.truncated(),
                    Instant.now())
                .build());
  }

  private void fail(MultiOutputReceiver out, String uri, Exception e, String reason)
      throws Exception {
    failed.inc();
    LocalProgress.FILES_FAILED.increment();
    badRecords.route(out, uri, StringUtf8Coder.of(), e, "[extract] " + reason);
  }

  /** The content hash of the file, or null when it cannot be read (extraction then reports why). */
  private String hashOrNull(String uri) {
    try (InputStream in = source.open(uri)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        digest.update(buf, 0, n);
      }
      return "sha256:" + HexFormat.of().formatHex(digest.digest());
    } catch (IOException | java.security.NoSuchAlgorithmException e) {
      return null;
    }
  }

  /** First 16 hex digits of SHA-256 of the URI. */
  static String docId(String uri) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(uri.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(h, 0, 8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String json(Map<String, String> metadata) {
    try {
      return metadata.isEmpty() ? null : JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
