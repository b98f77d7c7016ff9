package io.lakebeam.flight;

import static io.lakebeam.flight.Permission.ADMIN;
import static io.lakebeam.flight.Permission.READ;
import static io.lakebeam.flight.Permission.WRITE;

import io.lakebeam.contextpackages.ContextSpec;
import java.util.Map;
import java.util.Set;

/**
 * The one table of what each call needs: every {@code DoAction} and every request type of {@code
 * DoGet}, {@code GetFlightInfo}, {@code GetSchema}, {@code ListFlights} and {@code DoPut}, each
 * mapped to the permission it needs in the namespace of the collection it names.
 *
 * <pre>{@code
 * ActionPermissions.needed("drop_collection"); // ADMIN
 * }</pre>
 *
 * <p>An action missing here needs {@code admin} on {@code *}, so a new action is never open by
 * mistake; {@code ActionPermissionsTest} fails until it has an entry.
 */
final class ActionPermissions {
  /** Each action of {@link Actions#TYPES} and each Flight request type, and what it needs. */
  static final Map<String, Permission> NEEDED =
      Map.ofEntries(
          // Flight calls (request types of tickets and descriptors)
          Map.entry("search", READ),
          Map.entry("hybrid", READ),
          Map.entry("read", READ),
          Map.entry("list_flights", READ),
          Map.entry("insert", WRITE),
          // DoAction
          Map.entry("list_collections", READ),
          Map.entry("describe_collection", READ),
          Map.entry("server_status", READ),
          Map.entry("get_context", READ),
          Map.entry("diff_context", READ),
          Map.entry("list_context", READ),
          Map.entry("create_collection", WRITE),
          Map.entry("create_external_collection", ADMIN),
          Map.entry("create_index", ADMIN),
          Map.entry("refresh", ADMIN),
          Map.entry("drop_index", ADMIN),
          Map.entry("pin_collection", ADMIN),
          Map.entry("drop_collection", ADMIN));

  /**
   * Actions that name no collection: the permission in any one namespace is enough ({@code
   * list_collections} then lists only the collections the caller may read).
   */
  static final Set<String> SERVER_WIDE = Set.of("list_collections", "server_status");

  /** Actions on a context-packages table, named by {@code table} (default: the spec's default). */
  static final Set<String> CONTEXT = Set.of("get_context", "diff_context", "list_context");

  private ActionPermissions() {}

  /** What {@code action} needs; {@code admin} for one not in the table. */
  static Permission needed(String action) {
    return NEEDED.getOrDefault(action, ADMIN);
  }

  /** The collection whose namespace an action's permission is checked in; null if server-wide. */
  static String collection(String action, Json body) {
    if (SERVER_WIDE.contains(action) || !NEEDED.containsKey(action)) {
      return null;
    }
    if (CONTEXT.contains(action)) {
      String table = body.optString("table");
      return table == null ? ContextSpec.DEFAULT_TABLE : table;
    }
    return body.string("collection");
  }
}
