package io.lakebeam.multimodal.documents;

/** Why a document could not be extracted; each {@link ExtractionException} carries one. */
public enum ExtractionFailure {
  /** No file at the path or URI (the source's opener threw a not-found error). */
  NOT_FOUND,
  /** The file has zero bytes. */
  EMPTY,
  /** The file is larger than {@link ExtractionLimits#maxFileBytes()}. */
  TOO_LARGE,
  /** The parser for the detected format failed: truncated, garbled or malformed bytes. */
  CORRUPT,
  /** The document is password protected, or its permissions forbid text extraction. */
  ENCRYPTED,
  /**
   * The document expands far beyond its size (compression ratio, nesting depth or declared sizes
   * over the limits): a decompression bomb, stopped before it is inflated.
   */
  ZIP_BOMB,
  /** Parsing took longer than {@link ExtractionLimits#timeout()}. */
  TIMEOUT,
  /** The format was parsed but holds no text (only whitespace, images without OCR, binary). */
  NO_TEXT,
  /** No parser reads the detected format (e.g. {@code application/octet-stream}). */
  UNSUPPORTED_FORMAT,
  /** Reading the bytes from the source failed, or the extraction was interrupted. */
  IO
}
