package io.lakebeam.multimodal.video;

import static java.util.Objects.requireNonNull;

/**
 * A video or image that could not be decoded, with the {@link MediaFailure reason} and a message of
 * the form {@code Cannot decode <uri>: <what happened>; <what to do>}. Checked on purpose: every
 * caller decides what a failed file means for its batch.
 */
public final class MediaException extends Exception {
  private final MediaFailure reason;
  private final String uri;

  public MediaException(MediaFailure reason, String uri, String whatHappened, String whatToDo) {
    this(reason, uri, whatHappened, whatToDo, null);
  }

  public MediaException(
      MediaFailure reason, String uri, String whatHappened, String whatToDo, Throwable cause) {
    super("Cannot decode " + uri + ": " + whatHappened + "; " + whatToDo, cause);
    this.reason = requireNonNull(reason, "reason");
    this.uri = uri;
  }

  /** Why decoding failed. */
  public MediaFailure reason() {
    return reason;
  }

  /** The file, as the caller named it. */
  public String uri() {
    return uri;
  }
}
