package io.lakebeam.multimodal.documents;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits one {@link DocumentExtractor} applies to every document. Immutable: each {@code withX}
 * returns a copy, in any order.
 *
 * <pre>{@code
 * ExtractionLimits limits = ExtractionLimits.defaults()
 *     .withMaxFileBytes(16L << 20)
 *     .withTimeout(Duration.ofSeconds(20));
 * DocumentExtractor extractor = DocumentExtractor.create(limits);
 * }</pre>
 */
public final class ExtractionLimits implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Default {@link #maxFileBytes()}: 64 MiB. */
  public static final long DEFAULT_MAX_FILE_BYTES = 64L << 20;

  /** Default {@link #maxTextChars()}: 20,000,000 characters. */
  public static final int DEFAULT_MAX_TEXT_CHARS = 20_000_000;

  /** Default {@link #timeout()}: 60 seconds per file. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  /** Default {@link #maxEmbeddedDepth()}: 3 levels (an attachment of an attachment of a mail). */
  public static final int DEFAULT_MAX_EMBEDDED_DEPTH = 3;

  /** Default {@link #maxEmbeddedResources()}: 1,000 embedded documents per file. */
  public static final int DEFAULT_MAX_EMBEDDED_RESOURCES = 1_000;

  /** Default {@link #maxCompressionRatio()}: 100 output characters per input byte (Tika's). */
  public static final long DEFAULT_MAX_COMPRESSION_RATIO = 100;

  /** Default {@link #compressionCheckThreshold()}: 1,000,000 (characters or bytes; Tika's). */
  public static final long DEFAULT_COMPRESSION_CHECK_THRESHOLD = 1_000_000;

  /** Default {@link #maxPackageEntryDepth()}: 10 nested archive entries (Tika's). */
  public static final int DEFAULT_MAX_PACKAGE_ENTRY_DEPTH = 10;

  private static final ExtractionLimits DEFAULTS =
      new ExtractionLimits(
          DEFAULT_MAX_FILE_BYTES,
          DEFAULT_MAX_TEXT_CHARS,
          DEFAULT_TIMEOUT,
          DEFAULT_MAX_EMBEDDED_DEPTH,
          DEFAULT_MAX_EMBEDDED_RESOURCES,
          DEFAULT_MAX_COMPRESSION_RATIO,
          DEFAULT_COMPRESSION_CHECK_THRESHOLD,
          DEFAULT_MAX_PACKAGE_ENTRY_DEPTH);

  private final long maxFileBytes;
  private final int maxTextChars;
  private final Duration timeout;
  private final int maxEmbeddedDepth;
  private final int maxEmbeddedResources;
  private final long maxCompressionRatio;
  private final long compressionCheckThreshold;
  private final int maxPackageEntryDepth;

  private ExtractionLimits(
      long maxFileBytes,
      int maxTextChars,
      Duration timeout,
      int maxEmbeddedDepth,
      int maxEmbeddedResources,
      long maxCompressionRatio,
      long compressionCheckThreshold,
      int maxPackageEntryDepth) {
    this.maxFileBytes = maxFileBytes;
    this.maxTextChars = maxTextChars;
    this.timeout = timeout;
    this.maxEmbeddedDepth = maxEmbeddedDepth;
    this.maxEmbeddedResources = maxEmbeddedResources;
    this.maxCompressionRatio = maxCompressionRatio;
    this.compressionCheckThreshold = compressionCheckThreshold;
    this.maxPackageEntryDepth = maxPackageEntryDepth;
  }

  /** The documented defaults. */
  public static ExtractionLimits defaults() {
    return DEFAULTS;
  }

  /**
   * Files larger than this fail with {@link ExtractionFailure#TOO_LARGE} before any byte is parsed.
   * Default 64 MiB; must be positive.
   */
  public ExtractionLimits withMaxFileBytes(long bytes) {
    checkArgument(bytes > 0, "Cannot set max file bytes: %s is not positive", bytes);
    return new ExtractionLimits(
        bytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * Text longer than this is cut at the limit and the result says {@code truncated}. Default
   * 20,000,000 characters; must be positive.
   */
  public ExtractionLimits withMaxTextChars(int chars) {
    checkArgument(chars > 0, "Cannot set max text chars: %s is not positive", chars);
    return new ExtractionLimits(
        maxFileBytes,
        chars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * How long parsing one file may take; past it the parse is interrupted and abandoned and the file
   * fails with {@link ExtractionFailure#TIMEOUT}. Reading the bytes from the source is not counted.
   * Default 60 seconds; must be positive.
   */
  public ExtractionLimits withTimeout(Duration timeout) {
    requireNonNull(timeout, "timeout");
    checkArgument(
        !timeout.isNegative() && !timeout.isZero(),
        "Cannot set timeout: %s is not positive",
        timeout);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * How deep embedded documents are followed (1: attachments of the file, 2: their attachments,
   * ...); deeper ones are skipped and the result says {@code truncated}. Default 3; 0 skips all
   * embedded documents.
   */
  public ExtractionLimits withMaxEmbeddedDepth(int depth) {
    checkArgument(depth >= 0, "Cannot set max embedded depth: %s is negative", depth);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        depth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * How many embedded documents (attachments, archive entries, embedded images) one file may have
   * parsed; the rest are skipped and the result says {@code truncated}. Default 1,000; must not be
   * negative.
   */
  public ExtractionLimits withMaxEmbeddedResources(int resources) {
    checkArgument(resources >= 0, "Cannot set max embedded resources: %s is negative", resources);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        resources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * Zip-bomb guard: a file fails with {@link ExtractionFailure#ZIP_BOMB} when, past {@link
   * #compressionCheckThreshold()}, it produces more than this many characters of text per byte of
   * file (Tika's check, while parsing), or, being a zip (DOCX, XLSX, ODT, EPUB, JAR, ...), its
   * entries declare more than this many inflated bytes per byte of file (checked before parsing).
   * Default 100; must be positive.
   */
  public ExtractionLimits withMaxCompressionRatio(long ratio) {
    checkArgument(ratio > 0, "Cannot set max compression ratio: %s is not positive", ratio);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        ratio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  /**
   * Zip-bomb guard: how many characters of text (or, for a zip, declared inflated bytes) a file may
   * produce before {@link #maxCompressionRatio()} applies. Default 1,000,000; must be positive.
   */
  public ExtractionLimits withCompressionCheckThreshold(long threshold) {
    checkArgument(
        threshold > 0, "Cannot set compression check threshold: %s is not positive", threshold);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        threshold,
        maxPackageEntryDepth);
  }

  /**
   * Zip-bomb guard: archives nested deeper than this (a zip in a zip in ...) fail the file with
   * {@link ExtractionFailure#ZIP_BOMB}. Default 10; must be positive.
   */
  public ExtractionLimits withMaxPackageEntryDepth(int depth) {
    checkArgument(depth > 0, "Cannot set max package entry depth: %s is not positive", depth);
    return new ExtractionLimits(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        depth);
  }

  public long maxFileBytes() {
    return maxFileBytes;
  }

  public int maxTextChars() {
    return maxTextChars;
  }

  public Duration timeout() {
    return timeout;
  }

  public int maxEmbeddedDepth() {
    return maxEmbeddedDepth;
  }

  public int maxEmbeddedResources() {
    return maxEmbeddedResources;
  }

  public long maxCompressionRatio() {
    return maxCompressionRatio;
  }

  public long compressionCheckThreshold() {
    return compressionCheckThreshold;
  }

  public int maxPackageEntryDepth() {
    return maxPackageEntryDepth;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ExtractionLimits that
        && maxFileBytes == that.maxFileBytes
        && maxTextChars == that.maxTextChars
        && timeout.equals(that.timeout)
        && maxEmbeddedDepth == that.maxEmbeddedDepth
        && maxEmbeddedResources == that.maxEmbeddedResources
        && maxCompressionRatio == that.maxCompressionRatio
        && compressionCheckThreshold == that.compressionCheckThreshold
        && maxPackageEntryDepth == that.maxPackageEntryDepth;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxFileBytes,
        maxTextChars,
        timeout,
        maxEmbeddedDepth,
        maxEmbeddedResources,
        maxCompressionRatio,
        compressionCheckThreshold,
        maxPackageEntryDepth);
  }

  @Override
  public String toString() {
    return "ExtractionLimits{maxFileBytes="
        + maxFileBytes
        + ", maxTextChars="
        + maxTextChars
        + ", timeout="
        + timeout
        + ", maxEmbeddedDepth="
        + maxEmbeddedDepth
        + ", maxEmbeddedResources="
        + maxEmbeddedResources
        + ", maxCompressionRatio="
        + maxCompressionRatio
        + ", compressionCheckThreshold="
        + compressionCheckThreshold
        + ", maxPackageEntryDepth="
        + maxPackageEntryDepth
        + "}";
  }

  private static void checkArgument(boolean condition, String format, Object value) {
    if (!condition) {
      throw new IllegalArgumentException(String.format(format, value));
    }
  }
}
