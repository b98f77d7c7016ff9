package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.flight.ActionType;
import org.junit.jupiter.api.Test;

/** Every action of the server has an entry in the one permission table, and nothing else does. */
class ActionPermissionsTest {
  private static final List<String> FLIGHT_CALLS =
      List.of("search", "read", "insert", "list_flights", "hybrid");

  @Test
  void everyRegisteredActionHasAPermission() {
    List<String> actions = Actions.TYPES.stream().map(ActionType::getType).toList();
    assertThat(ActionPermissions.NEEDED.keySet())
        .as("add each new action to ActionPermissions.NEEDED")
        .containsAll(actions);
    assertThat(ActionPermissions.NEEDED.keySet())
        .as("entries that are neither an action nor a Flight call")
        .allMatch(k -> actions.contains(k) || FLIGHT_CALLS.contains(k));
  }

  @Test
  void destructiveAndRegisteringActionsNeedAdmin() {
    for (String a :
        List.of(
            "drop_collection",
            "create_external_collection",
            "create_index",
            "drop_index",
            "pin_collection",
            "refresh")) {
      assertThat(ActionPermissions.needed(a)).as(a).isEqualTo(Permission.ADMIN);
    }
    assertThat(ActionPermissions.needed("insert")).isEqualTo(Permission.WRITE);
    assertThat(ActionPermissions.needed("create_collection")).isEqualTo(Permission.WRITE);
    assertThat(ActionPermissions.needed("search")).isEqualTo(Permission.READ);
    assertThat(ActionPermissions.needed("some_future_action")).isEqualTo(Permission.ADMIN);
  }
}
