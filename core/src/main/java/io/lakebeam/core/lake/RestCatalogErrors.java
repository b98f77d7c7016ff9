package io.lakebeam.core.lake;

import io.lakebeam.core.LakebeamException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import org.apache.iceberg.exceptions.ForbiddenException;
import org.apache.iceberg.exceptions.NotAuthorizedException;

/**
 * Turns the failures of opening an Iceberg REST catalog into messages that say what to do: an
 * unreachable server names the URI, a refused credential names the properties that carry one.
 *
 * <pre>{@code
 * throw RestCatalogErrors.cannotOpen("http://127.0.0.1:8181", e);
 * }</pre>
 */
final class RestCatalogErrors {
  private RestCatalogErrors() {}

  static LakebeamException cannotOpen(String uri, RuntimeException e) {
    if (e instanceof NotAuthorizedException) {
      return LakebeamException.invalid(
          "Cannot open the REST catalog at %s: it refused the credentials (401: %s); set"
              + " 'credential' (OAuth2 CLIENT_ID:CLIENT_SECRET, with 'scope' if the server needs"
              + " one) or 'token' (a bearer token) in lakehouse.properties",
          uri, e.getMessage());
    }
    if (e instanceof ForbiddenException) {
      return LakebeamException.invalid(
          "Cannot open the REST catalog at %s: the principal may not use it (403: %s); grant it"
              + " access to the catalog (and 'warehouse') on the server",
          uri, e.getMessage());
    }
    Throwable network = networkCause(e);
    if (network != null) {
      return LakebeamException.invalid(
          "Cannot reach the REST catalog at %s (%s: %s): check 'catalog.uri' and that the server"
              + " is running and reachable from here",
          uri, network.getClass().getSimpleName(), network.getMessage());
    }
    return LakebeamException.invalid("Cannot open the REST catalog at %s: %s", uri, e.getMessage());
  }

  private static Throwable networkCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof UnknownHostException
          || t instanceof HttpConnectTimeoutException
          || t instanceof java.net.SocketTimeoutException) {
        return t;
      }
      if (t.getCause() == null && t instanceof IOException) {
        return t;
      }
    }
    return null;
  }
}
