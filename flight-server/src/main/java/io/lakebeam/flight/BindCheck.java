package io.lakebeam.flight;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses to listen on a network address without TLS and a token: anyone who can reach the port
 * could otherwise read, write and drop every collection, and read tokens off the wire. Loopback
 * ({@code 127.0.0.1}, {@code ::1}, {@code localhost}) is always allowed; {@code --insecure}
 * overrides the refusal.
 *
 * <pre>{@code
 * BindCheck.check("0.0.0.0", false, true, false); // throws: add --tls-cert and --tls-key
 * }</pre>
 */
final class BindCheck {
  private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "::1", "[::1]", "localhost");

  private BindCheck() {}

  static boolean isLoopback(String host) {
    return LOOPBACK.contains(host.toLowerCase(Locale.ROOT));
  }

  /** Fails with what to add unless {@code host} is loopback, or TLS and tokens are on. */
  static void check(String host, boolean tls, boolean tokens, boolean insecure) {
    if (insecure || isLoopback(host) || (tls && tokens)) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (!tls) {
      missing.add("TLS (--tls-cert FILE --tls-key FILE)");
    }
    if (!tokens) {
      missing.add("a token (--token TOKEN or --auth-config FILE)");
    }
    throw new IllegalArgumentException(
        "Cannot listen on "
            + host
            + " without TLS and a token: anyone on the network could read, write and drop"
            + " collections. Add "
            + String.join(" and ", missing)
            + ", bind 127.0.0.1, or pass --insecure to accept the risk");
  }
}
