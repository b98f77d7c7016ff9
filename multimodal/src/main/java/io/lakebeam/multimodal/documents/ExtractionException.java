package io.lakebeam.multimodal.documents;

import static java.util.Objects.requireNonNull;

/**
 * A document that could not be extracted, with the {@link ExtractionFailure reason} a pipeline
 * routes on (for example into a failures table) and a message of the form {@code Cannot extract
 * <uri>: <what happened>; <what to do>}.
 *
 * <p>It is a checked exception on purpose: every caller decides what a failed document means for
 * its batch; nothing is logged and dropped here.
 */
public final class ExtractionException extends Exception {

  private final ExtractionFailure reason;
  private final String uri;

  ExtractionException(ExtractionFailure reason, String uri, String whatHappened, String whatToDo) {
    this(reason, uri, whatHappened, whatToDo, null);
  }

  ExtractionException(
      ExtractionFailure reason, String uri, String whatHappened, String whatToDo, Throwable cause) {
    super("Cannot extract " + uri + ": " + whatHappened + "; " + whatToDo, cause);
    this.reason = requireNonNull(reason, "reason");
    this.uri = uri;
  }

  /** Why the extraction failed. */
  public ExtractionFailure reason() {
    return reason;
  }

  /** The URI (or path) of the document, as the caller named it. */
  public String uri() {
    return uri;
  }
}
