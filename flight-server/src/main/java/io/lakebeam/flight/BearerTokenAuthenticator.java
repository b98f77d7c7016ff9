package io.lakebeam.flight;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/** Accepts calls that carry {@code authorization: Bearer <token>} with the configured token. */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private final byte[] expected;

  BearerTokenAuthenticator(String token) {
    this.expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String value = headers.get("authorization");
    if (value == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription("This server needs a token: send the header 'authorization: Bearer <token>'")
          .toRuntimeException();
    }
    if (!MessageDigest.isEqual(expected, value.getBytes(StandardCharsets.UTF_8))) {
      throw CallStatus.UNAUTHENTICATED.withDescription("Wrong token").toRuntimeException();
    }
    return () -> "token";
  }
}
