package io.lakebeam.flight;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a token may do in a namespace. Each level includes the ones below it: {@code admin} can
 * write, {@code write} can read.
 *
 * <pre>{@code
 * Permission.parse("write").covers(Permission.READ); // true
 * }</pre>
 */
enum Permission {
  /** Search, batch reads, list and describe collections, fetch context packages. */
  READ,
  /** Insert rows and create collections. */
  WRITE,
  /** Drop and purge, register external files, build/drop/pin indexes, refresh. */
  ADMIN;

  /** Whether holding this permission allows what {@code needed} allows. */
  boolean covers(Permission needed) {
    return compareTo(needed) >= 0;
  }

  static Permission parse(String name) {
    for (Permission p : values()) {
      if (p.label().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "Cannot use permission '"
            + name
            + "': use one of "
            + Arrays.stream(values()).map(Permission::label).toList());
  }

  /** The name used in configuration files and error messages: {@code read}, {@code write}... */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
