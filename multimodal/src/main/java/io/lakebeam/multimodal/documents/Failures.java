package io.lakebeam.multimodal.documents;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.tika.exception.AccessPermissionException;
import org.apache.tika.exception.TikaMemoryLimitException;
import org.apache.tika.exception.UnsupportedFormatException;
import org.apache.tika.exception.ZeroByteFileException;

/** Builds every {@link ExtractionException}, and classifies what parsers throw. */
final class Failures {

  /** Exceptions of PDFBox, POI and Tika that mean "needs a password", matched by simple name. */
  private static final Set<String> ENCRYPTION_EXCEPTIONS =
      Set.of("EncryptedDocumentException", "InvalidPasswordException");

  private static final int MAX_DETAIL_CHARS = 300;

  private Failures() {}

  static ExtractionException notFound(String uri, String what, Throwable cause) {
    return new ExtractionException(
        ExtractionFailure.NOT_FOUND, uri, what, "check the path or URI", cause);
  }

  static ExtractionException io(String uri, String what, Throwable cause) {
    return new ExtractionException(
        ExtractionFailure.IO, uri, what, "retry, or check the storage it is read from", cause);
  }

  static ExtractionException interrupted(String uri, InterruptedException cause) {
    return new ExtractionException(
        ExtractionFailure.IO,
        uri,
        "the extracting thread was interrupted",
        "retry the document",
        cause);
  }

  static ExtractionException tooLarge(String uri, long sizeBytes, long maxBytes) {
    return new ExtractionException(
        ExtractionFailure.TOO_LARGE,
        uri,
        String.format(
            Locale.ROOT, "the file is %,d bytes, over the limit of %,d bytes", sizeBytes, maxBytes),
        "raise the limit with ExtractionLimits.withMaxFileBytes(...) to extract it");
  }

  static ExtractionException tooLargeStream(String uri, long maxBytes) {
    return new ExtractionException(
        ExtractionFailure.TOO_LARGE,
        uri,
        String.format(Locale.ROOT, "the stream has more than the limit of %,d bytes", maxBytes),
        "raise the limit with ExtractionLimits.withMaxFileBytes(...) to extract it");
  }

  static ExtractionException empty(String uri) {
    return new ExtractionException(
        ExtractionFailure.EMPTY,
        uri,
        "the file is empty (0 bytes)",
        "check that it was written or uploaded completely");
  }

  static ExtractionException timeout(String uri, Duration timeout) {
    return new ExtractionException(
        ExtractionFailure.TIMEOUT,
        uri,
        "parsing took longer than the timeout of " + timeout + " and was abandoned",
        "raise it with ExtractionLimits.withTimeout(...), or split the document");
  }

  static ExtractionException noText(String uri, String mimeType, String why) {
    return new ExtractionException(
        ExtractionFailure.NO_TEXT,
        uri,
        "the " + mimeType + " document has no extractable text (" + why + ")",
        "skip it, or run OCR first if it is a scan");
  }

  static ExtractionException unsupported(String uri, String mimeType, Throwable cause) {
    return new ExtractionException(
        ExtractionFailure.UNSUPPORTED_FORMAT,
        uri,
        "no parser reads its format (" + mimeType + ")",
        "convert it to a supported format (PDF, Office, OpenDocument, HTML, text, e-mail)",
        cause);
  }

  /** Classifies a failure thrown while parsing a document whose type was detected as given. */
  static ExtractionException parseFailure(String uri, String mimeType, Throwable failure) {
    List<Throwable> chain = causeChain(failure);
    for (Throwable t : chain) {
      if (ENCRYPTION_EXCEPTIONS.contains(t.getClass().getSimpleName())
          || t instanceof AccessPermissionException) {
        return new ExtractionException(
            ExtractionFailure.ENCRYPTED,
            uri,
            "the " + mimeType + " document is encrypted or forbids text extraction",
            "decrypt it (or remove its password) before ingesting, or skip it",
            failure);
      }
    }
    for (Throwable t : chain) {
      String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
      if (t instanceof TikaMemoryLimitException
          || t.getClass().getSimpleName().equals("SecureSAXException")
          || message.contains("zip bomb")) {
        return new ExtractionException(
            ExtractionFailure.ZIP_BOMB,
            uri,
            "it expands far beyond its size, a suspected zip bomb (" + detail(t) + ")",
            "if the file is trusted, raise ExtractionLimits.withMaxCompressionRatio(...)",
            failure);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ZeroByteFileException) {
        return empty(uri);
      }
      if (t instanceof UnsupportedFormatException) {
        return unsupported(uri, mimeType + ", " + detail(t), failure);
      }
      if (t instanceof StackOverflowError) {
        return new ExtractionException(
            ExtractionFailure.CORRUPT,
            uri,
            "the " + mimeType + " document nests too deeply to parse",
            "re-export it from its original application, or skip it",
            failure);
      }
      if (t instanceof OutOfMemoryError) {
        return new ExtractionException(
            ExtractionFailure.TOO_LARGE,
            uri,
            "parsing the " + mimeType + " document ran out of memory",
            "give the JVM more heap, or lower ExtractionLimits.withMaxFileBytes(...)",
            failure);
      }
    }
    Throwable root = chain.get(chain.size() - 1);
    return new ExtractionException(
        ExtractionFailure.CORRUPT,
        uri,
        "the " + mimeType + " document is corrupt or truncated (" + detail(root) + ")",
        "re-export or re-upload the original, or skip it",
        failure);
  }

  private static List<Throwable> causeChain(Throwable failure) {
    List<Throwable> chain = new ArrayList<>();
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }

  private static String detail(Throwable t) {
    String detail = t.getClass().getSimpleName() + ": " + t.getMessage();
    detail = detail.replaceAll("\\s+", " ").strip();
    return detail.length() <= MAX_DETAIL_CHARS
        ? detail
        : detail.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
