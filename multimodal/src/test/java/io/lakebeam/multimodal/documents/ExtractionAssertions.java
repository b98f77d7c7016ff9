package io.lakebeam.multimodal.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

/** Shared checks of the extraction tests. */
final class ExtractionAssertions {

  private ExtractionAssertions() {}

  /** Runs the call, asserts it failed with the given reason, and returns the failure. */
  static ExtractionException failsWith(ExtractionFailure reason, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).isInstanceOf(ExtractionException.class);
    ExtractionException failure = (ExtractionException) thrown;
    assertThat(failure.reason()).as(failure.getMessage()).isEqualTo(reason);
    assertThat(failure.getMessage()).startsWith("Cannot extract ").contains("; ");
    return failure;
  }

  static String sha256(Path file) throws IOException, NoSuchAlgorithmException {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
    return "sha256:" + HexFormat.of().formatHex(digest);
  }
}
