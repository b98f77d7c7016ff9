package io.lakebeam.flight;

import java.util.function.Supplier;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.auth2.CallHeaderAuthenticator;

/**
 * Accepts calls that carry {@code authorization: Bearer <token>} with a token of the current {@link
 * AccessConfig}; the call's peer identity is the token's name. The scheme name is case-insensitive
 * (RFC 7235); tokens are compared by their SHA-256 digests.
 */
final class BearerTokenAuthenticator implements CallHeaderAuthenticator {
  private static final String SCHEME = "Bearer ";
  private final Supplier<AccessConfig> tokens;

  BearerTokenAuthenticator(Supplier<AccessConfig> tokens) {
    this.tokens = tokens;
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
    AccessConfig.Principal p = tokens.get().byToken(value.substring(SCHEME.length()));
    if (p == null) {
      throw CallStatus.UNAUTHENTICATED.withDescription("Wrong token").toRuntimeException();
    }
    String name = p.name();
    return () -> name;
  }
}
