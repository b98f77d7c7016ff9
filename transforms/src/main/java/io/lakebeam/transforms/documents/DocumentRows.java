package io.lakebeam.transforms.documents;

import org.apache.beam.sdk.schemas.Schema;

/**
 * The schema of document rows: the raw file by reference (URI, size, content hash, MIME type) and
 * what Tika extracted (title, language, metadata as JSON, text).
 */
public final class DocumentRows {
  /** First 16 hex digits of SHA-256 of the URI: stable across versions of the file. */
  public static final String DOC_ID = "doc_id";

  public static final String URI = "uri";

  /** {@code sha256:<hex>} of the raw bytes: the document's version. */
  public static final String CONTENT_HASH = "content_hash";

  public static final String MIME_TYPE = "mime_type";
  public static final String SIZE_BYTES = "size_bytes";
  public static final String TITLE = "title";
  public static final String LANGUAGE = "language";
  public static final String METADATA = "metadata";
  public static final String TEXT = "text";
  public static final String TRUNCATED = "truncated";
  public static final String EXTRACTED_AT = "extracted_at";

  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField(DOC_ID)
          .addStringField(URI)
          .addStringField(CONTENT_HASH)
          .addStringField(MIME_TYPE)
          .addInt64Field(SIZE_BYTES)
          .addNullableStringField(TITLE)
          .addNullableStringField(LANGUAGE)
          .addNullableStringField(METADATA)
          .addStringField(TEXT)
          .addBooleanField(TRUNCATED)
          .addDateTimeField(EXTRACTED_AT)
          .build();

  private DocumentRows() {}
}
