package io.lakebeam.flight;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Accepts calls that carry {@code authorization: Bearer <token>} with the configured token. The
 * scheme name is case-insensitive (RFC 7235); the token is compared in constant time.
 */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private static final String SCHEME = "Bearer ";
  private final byte[] expected;

  BearerTokenAuthenticator(String token) {
    this.expected = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public AuthResult authenticate(CallHeaders headers) {
    String value = headers.get("authorization");
    if (value == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription(
              "This server needs a token: send the header 'authorization: Bearer <token>'")
          .toRuntimeException();
    }
    if (!value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription(
              "Cannot authenticate: the authorization header must read 'Bearer <token>'")
          .toRuntimeException();
    }
    byte[] given = value.substring(SCHEME.length()).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, given)) {
      throw CallStatus.UNAUTHENTICATED.withDescription("Wrong token").toRuntimeException();
    }
    return () -> "token";
  }
}
