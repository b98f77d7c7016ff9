package io.lakebeam.transforms.chunk;

import org.apache.beam.sdk.schemas.Schema;

/**
 * The schema of chunk rows: which document (id, version, URI) a chunk comes from, where in the
 * document's text it lies, and its text.
 */
public final class ChunkRows {
  /** {@code <doc_id>:<ordinal>}, unique within a document version. */
  public static final String CHUNK_ID = "chunk_id";

  public static final String DOC_ID = "doc_id";

  /** The document's content hash when the chunk was made; chunks and documents share versions. */
  public static final String DOC_VERSION = "doc_version";

  public static final String URI = "uri";
  public static final String ORDINAL = "ordinal";
  public static final String CHAR_START = "char_start";
  public static final String CHAR_END = "char_end";
  public static final String TOKEN_COUNT = "token_count";
  public static final String TEXT = "text";

  public static final Schema SCHEMA =
      Schema.builder()
          .addStringField(CHUNK_ID)
          .addStringField(DOC_ID)
          .addNullableStringField(DOC_VERSION)
          .addNullableStringField(URI)
          .addInt32Field(ORDINAL)
          .addInt32Field(CHAR_START)
          .addInt32Field(CHAR_END)
          .addInt32Field(TOKEN_COUNT)
          .addStringField(TEXT)
          .build();

  private ChunkRows() {}
}
