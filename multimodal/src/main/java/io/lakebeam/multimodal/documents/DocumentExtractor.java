package io.lakebeam.multimodal.documents;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.tika.config.TikaConfig;
import org.apache.tika.detect.EncodingDetector;
import org.apache.tika.extractor.EmbeddedDocumentExtractor;
import org.apache.tika.io.TikaInputStream;
import org.apache.tika.metadata.Metadata;
import org.apache.tika.metadata.TikaCoreProperties;
import org.apache.tika.mime.MediaType;
import org.apache.tika.parser.AutoDetectParser;
import org.apache.tika.parser.AutoDetectParserConfig;
import org.apache.tika.parser.EmptyParser;
import org.apache.tika.parser.ParseContext;
import org.apache.tika.parser.ParseRecord;
import org.apache.tika.parser.Parser;
import org.apache.tika.parser.microsoft.OfficeParserConfig;
import org.apache.tika.parser.ocr.TesseractOCRConfig;
import org.apache.tika.parser.pdf.PDFParserConfig;
import org.apache.tika.parser.txt.TXTParser;

/**
 * Extracts plain text and a few metadata fields from documents (PDF, Office, OpenDocument, HTML,
 * Markdown and other text, e-mail with attachments, archives, ...) with Apache Tika, within {@link
 * ExtractionLimits}.
 *
 * <pre>{@code
 * DocumentExtractor extractor =
 *     DocumentExtractor.create(ExtractionLimits.defaults().withTimeout(Duration.ofSeconds(30)));
 * try {
 *   ExtractedDocument doc = extractor.extract(Path.of("handbook.pdf"));
 *   chunks.addAll(chunker.split(doc.text()));
 * } catch (ExtractionException e) {
 *   failures.add(e.uri(), e.reason(), e.getMessage());
 * }
 * }</pre>
 *
 * <p>Every failure is an {@link ExtractionException} with an {@link ExtractionFailure reason};
 * nothing is logged and dropped. The bytes are read once: a stream is spooled to a temporary file
 * (deleted before {@code extract} returns) while it is hashed, because PDF and zip-based formats
 * need random access; a local file is hashed, then parsed in place. OCR is off: scanned pages and
 * images give {@link ExtractionFailure#NO_TEXT}. Plain text is decoded with Tika's charset
 * detection, ISO-8859-1 read as windows-1252; {@code .txt} files are never turned into tables (only
 * {@code .csv} and {@code .tsv} files are).
 *
 * <p>Each parse runs on a daemon thread of its own, so that a parse past {@link
 * ExtractionLimits#timeout()} can be interrupted and abandoned: it stops at its next text or
 * element event. A parser stuck inside one call that ignores interrupts keeps its thread until that
 * call returns; the extractor has already failed the document and moved on.
 *
 * <p>Thread-safe: one extractor serves any number of threads at once.
 */
public final class DocumentExtractor {

  private static final String EMPTY_PARSER = EmptyParser.class.getName();
  private static final AtomicLong WORKERS = new AtomicLong();

  private final ExtractionLimits limits;
  private final AutoDetectParser parser;
  private final EncodingDetector encodingDetector;

  private DocumentExtractor(ExtractionLimits limits) {
    this.limits = limits;
    TikaConfig tika = TikaConfig.getDefaultConfig();
    // The plain-text parser for text/plain: the default one sniffs CSV in any .txt and turns
    // prose with a comma per line into a table. Files named or typed .csv/.tsv stay tables.
    this.parser = new AutoDetectParser(tika.getDetector(), tika.getParser(), new TXTParser());
    this.encodingDetector = new Latin1AsWindows1252Detector(tika.getEncodingDetector());
    AutoDetectParserConfig config = new AutoDetectParserConfig();
    config.setMaximumCompressionRatio(limits.maxCompressionRatio());
    config.setOutputThreshold(limits.compressionCheckThreshold());
    config.setMaximumPackageEntryDepth(limits.maxPackageEntryDepth());
    config.setThrowOnZeroBytes(true);
    parser.setAutoDetectParserConfig(config);
  }

  /** An extractor with {@link ExtractionLimits#defaults()}. */
  public static DocumentExtractor create() {
    return create(ExtractionLimits.defaults());
  }

  /** An extractor that applies the given limits to every document. */
  public static DocumentExtractor create(ExtractionLimits limits) {
    return new DocumentExtractor(requireNonNull(limits, "limits"));
  }

  public ExtractionLimits limits() {
    return limits;
  }

  /**
   * Extracts a local file; its URI in the result is the absolute path's {@code file:} URI.
   *
   * @throws ExtractionException with {@link ExtractionFailure#NOT_FOUND} when there is no such
   *     file, and every other reason as for {@link #extract(String, long, InputStreamSupplier)}
   */
  public ExtractedDocument extract(Path file) throws ExtractionException {
    requireNonNull(file, "file");
    String uri = file.toAbsolutePath().toUri().toString();
    try (LocalCopy copy = LocalCopy.of(uri, file, limits.maxFileBytes())) {
      return parse(uri, copy);
    }
  }

  /**
   * Extracts the document that {@code source} opens, reading it once.
   *
   * @param uri names the document in the result and in failures; its last path segment (the file
   *     name) helps to detect the format, e.g. {@code .md} or {@code .eml}
   * @param sizeBytes the size the caller knows (from a directory listing or S3), checked against
   *     {@link ExtractionLimits#maxFileBytes()} before the source is opened; -1 (any negative
   *     value) when unknown. The bytes actually read are checked against the limit either way.
   * @param source opens the bytes; called once, and its stream is closed
   */
  public ExtractedDocument extract(String uri, long sizeBytes, InputStreamSupplier source)
      throws ExtractionException {
    requireNonNull(uri, "uri");
    requireNonNull(source, "source");
    if (sizeBytes > limits.maxFileBytes()) {
      throw Failures.tooLarge(uri, sizeBytes, limits.maxFileBytes());
    }
    try (LocalCopy copy = LocalCopy.spool(uri, source, limits.maxFileBytes())) {
      return parse(uri, copy);
    }
  }

  private ExtractedDocument parse(String uri, LocalCopy copy) throws ExtractionException {
    if (copy.sizeBytes() == 0) {
      throw Failures.empty(uri);
    }
    ZipBombCheck.check(uri, copy.path(), copy.sizeBytes(), limits);
    Metadata metadata = new Metadata();
    metadata.set(TikaCoreProperties.RESOURCE_NAME_KEY, fileName(uri));
    metadata.set(Metadata.CONTENT_LENGTH, Long.toString(copy.sizeBytes()));
    StructuredTextHandler handler = new StructuredTextHandler(limits.maxTextChars());
    ParseContext context = parseContext();
    LimitedEmbeddedDocumentExtractor embedded =
        new LimitedEmbeddedDocumentExtractor(
            context, limits.maxEmbeddedDepth(), limits.maxEmbeddedResources());
    context.set(EmbeddedDocumentExtractor.class, embedded);

    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              try (TikaInputStream in = TikaInputStream.get(copy.path())) {
                parser.parse(in, handler, metadata, context);
              }
              return null;
            });
    Thread.ofPlatform().daemon().name("lakebeam-extract-" + WORKERS.incrementAndGet()).start(task);
    try {
      task.get(limits.timeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      handler.abandon();
      task.cancel(true);
      throw Failures.timeout(uri, limits.timeout());
    } catch (InterruptedException e) {
      handler.abandon();
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw Failures.interrupted(uri, e);
    } catch (ExecutionException e) {
      if (!handler.truncated()) {
        throw parseFailure(uri, mimeType(metadata), e.getCause());
      }
      // the text limit stopped the parse: what was collected is the result
    }
    return result(uri, copy, metadata, handler, embedded, context);
  }

  private ExtractedDocument result(
      String uri,
      LocalCopy copy,
      Metadata metadata,
      StructuredTextHandler handler,
      LimitedEmbeddedDocumentExtractor embedded,
      ParseContext context)
      throws ExtractionException {
    String mimeType = mimeType(metadata);
    String raw = handler.rawText();
    String text = TextCleanup.normalize(raw);
    if (text.isEmpty()) {
      boolean noParser =
          Arrays.asList(metadata.getValues(TikaCoreProperties.TIKA_PARSED_BY))
              .contains(EMPTY_PARSER);
      throw noParser
          ? Failures.unsupported(uri, mimeType, null)
          : Failures.noText(uri, mimeType, "nothing but whitespace, or only images");
    }
    if (TextCleanup.looksLikeBinary(raw)) {
      throw Failures.noText(uri, mimeType, "the decoded characters look like binary data");
    }
    Map<String, String> selected = MetadataSelection.select(metadata);
    ParseRecord record = context.get(ParseRecord.class);
    if (record != null && !record.getExceptions().isEmpty()) {
      // attachments Tika could not parse; the container's text is still good
      selected.put("embedded-failures", Integer.toString(record.getExceptions().size()));
    }
    return new ExtractedDocument(
        uri,
        copy.contentHash(),
        copy.sizeBytes(),
        mimeType,
        MetadataSelection.title(metadata),
        MetadataSelection.declaredLanguage(metadata),
        selected,
        text,
        handler.truncated() || embedded.skippedAny(),
        embedded.parsedCount());
  }

  private ExtractionException parseFailure(String uri, String mimeType, Throwable failure) {
    if (failure instanceof Error error
        && !(error instanceof StackOverflowError)
        && !(error instanceof OutOfMemoryError)) {
      throw error; // a broken classpath or JVM, not a broken document
    }
    return Failures.parseFailure(uri, mimeType, failure);
  }

  private ParseContext parseContext() {
    ParseContext context = new ParseContext();
    context.set(Parser.class, parser); // embedded documents are parsed under the same limits
    context.set(EncodingDetector.class, encodingDetector);
    PDFParserConfig pdf = new PDFParserConfig();
    pdf.setOcrStrategy(PDFParserConfig.OCR_STRATEGY.NO_OCR);
    context.set(PDFParserConfig.class, pdf);
    OfficeParserConfig office = new OfficeParserConfig();
    // Streaming DOCX and PPTX parsers: POI's DOM parsers hold a whole inflated part in memory
    // before the first SAX event, out of reach of the zip-bomb guard, the text limit and abandon.
    office.setUseSAXDocxExtractor(true);
    office.setUseSAXPptxExtractor(true);
    context.set(OfficeParserConfig.class, office);
    TesseractOCRConfig ocr = new TesseractOCRConfig();
    ocr.setSkipOcr(true);
    context.set(TesseractOCRConfig.class, ocr);
    return context;
  }

  private static String mimeType(Metadata metadata) {
    MediaType type = MediaType.parse(metadata.get(Metadata.CONTENT_TYPE));
    return type == null
        ? MediaType.OCTET_STREAM.toString()
        : type.getBaseType().toString().toLowerCase(Locale.ROOT);
  }

  /** The last path segment of a URI or path, without query or fragment. */
  static String fileName(String uri) {
    String path = uri;
    int cut = indexOfAny(path, '?', '#');
    if (cut >= 0) {
      path = path.substring(0, cut);
    }
    int slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
    return path.substring(slash + 1);
  }

  private static int indexOfAny(String s, char a, char b) {
    int i = s.indexOf(a);
    int j = s.indexOf(b);
    return i < 0 ? j : j < 0 ? i : Math.min(i, j);
  }
}
