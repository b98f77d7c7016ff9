package io.lakebeam.flight;

import io.lakebeam.core.lake.Lakehouse;
import java.util.function.Supplier;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks each call against the permissions of the caller's token ({@link ActionPermissions}), in
 * the namespace of the collection it names. A denied call fails with {@code UNAUTHORIZED} naming
 * the permission needed, and is logged as one line (identity, action, collection). A server without
 * tokens allows everything.
 *
 * <pre>{@code
 * authorizer.check(context, "insert", "corpus.chunks"); // needs write on namespace corpus
 * }</pre>
 *
 * <p>Thread-safe.
 */
final class Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(Authorizer.class);

  private final Supplier<AccessConfig> tokens;

  /** {@code tokens} null: no authentication, everything is allowed. */
  Authorizer(Supplier<AccessConfig> tokens) {
    this.tokens = tokens;
  }

  /** Fails unless the caller may run {@code action} on {@code collection} (null: server-wide). */
  void check(CallContext context, String action, String collection) {
    if (tokens == null) {
      return;
    }
    Permission needed = ActionPermissions.needed(action);
    AccessConfig.Principal p = principal(context);
    boolean known = ActionPermissions.NEEDED.containsKey(action);
    String namespace = collection == null ? null : namespace(collection);
    boolean allowed =
        namespace != null
            ? p.allows(needed, namespace)
            : known ? p.allowsSomewhere(needed) : p.allows(needed, AccessConfig.ALL);
    if (!allowed) {
      String scope = namespace != null ? namespace : known ? "any namespace" : AccessConfig.ALL;
      LOG.warn(
          "Denied: identity={} action={} collection={} needs={} on {}",
          p.name(),
          action,
          collection == null ? "-" : collection,
          needed.label(),
          scope);
      String grantKey = namespace != null ? namespace : AccessConfig.ALL;
      throw CallStatus.UNAUTHORIZED
          .withDescription(
              String.format(
                  "Cannot run '%s'%s: token '%s' lacks the '%s' permission on %s; grant it in the"
                      + " auth config, e.g. \"grants\": {\"%s\": \"%s\"}",
                  action,
                  collection == null ? "" : " on '" + collection + "'",
                  p.name(),
                  needed.label(),
                  namespace != null ? "namespace '" + namespace + "'" : scope,
                  grantKey,
                  needed.label()))
          .toRuntimeException();
    }
  }

  /** Checks a {@code DoAction} with its JSON body. */
  void checkAction(CallContext context, String action, Json body) {
    check(context, action, ActionPermissions.collection(action, body));
  }

  /** Whether the caller may read {@code collection} (for listings, which skip the others). */
  boolean canRead(CallContext context, String collection) {
    return tokens == null || principal(context).allows(Permission.READ, namespace(collection));
  }

  private AccessConfig.Principal principal(CallContext context) {
    AccessConfig.Principal p = tokens.get().byName(context.peerIdentity());
    if (p == null) {
      throw CallStatus.UNAUTHENTICATED
          .withDescription(
              "Token '"
                  + context.peerIdentity()
                  + "' is no longer in the auth config: ask for a new token")
          .toRuntimeException();
    }
    return p;
  }

  /** {@code "docs"} is in namespace {@code default}, {@code "corpus.chunks"} in {@code corpus}. */
  static String namespace(String collection) {
    return Lakehouse.identifier(collection).namespace().toString();
  }
}
