package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Parsing of the auth config file: every mistake is an error that says what to write. */
class AccessConfigTest {
  private static AccessConfig parse(String json) {
    return AccessConfig.parse(json.getBytes(StandardCharsets.UTF_8), "auth.json");
  }

  @Test
  void tokensInPlainTextOrAsDigestsWithGrantsPerNamespace() {
    AccessConfig c =
        parse(
            """
            {"tokens": [
              {"name": "a", "token": "plain", "grants": {"*": "read", "corpus": "admin"}},
              {"name": "b", "sha256": "%s", "grants": {"default": "write"}}
            ]}
            """
                .formatted(AccessConfig.sha256("hashed").toUpperCase()));
    AccessConfig.Principal a = c.byToken("plain");
    assertThat(a.name()).isEqualTo("a");
    assertThat(a.allows(Permission.READ, "x")).isTrue();
    assertThat(a.allows(Permission.WRITE, "x")).isFalse();
    assertThat(a.allows(Permission.ADMIN, "corpus")).isTrue();
    AccessConfig.Principal b = c.byToken("hashed");
    assertThat(b.allows(Permission.READ, "default")).isTrue();
    assertThat(b.allows(Permission.READ, "corpus")).isFalse();
    assertThat(c.byToken("wrong")).isNull();
    assertThat(c.byName("b")).isEqualTo(b);
  }

  @Test
  void mistakesNameTheFixes() {
    assertThatThrownBy(() -> parse("[1]")).hasMessageContaining("expected {\"tokens\"");
    assertThatThrownBy(() -> parse("{\"tokens\": [], \"token\": 1}"))
        .hasMessageContaining("unknown key 'token'; known keys are [tokens]");
    assertThatThrownBy(
            () -> parse("{\"tokens\": [{\"name\": \"a\", \"grants\": {\"*\": \"read\"}}]}"))
        .hasMessageContaining("give exactly one of \"token\"");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"tokens\": [{\"name\": \"a\", \"sha256\": \"abc\", \"grants\": {\"*\":"
                        + " \"read\"}}]}"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"tokens\": [{\"name\": \"a\", \"token\": \"t\", \"grants\": {\"*\":"
                        + " \"owner\"}}]}"))
        .hasMessageContaining("tokens[0] grant '*': Cannot use permission 'owner'")
        .hasMessageContaining("[read, write, admin]");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"tokens\": [{\"name\": \"a\", \"token\": \"t\", \"grants\": {\"*\":"
                        + " \"read\"}}, {\"name\": \"a\", \"token\": \"u\", \"grants\": {\"*\":"
                        + " \"read\"}}]}"))
        .hasMessageContaining("name 'a' is used twice");
    assertThatThrownBy(
            () ->
                AccessConfig.adminToken("t")
                    .with(
                        parse(
                            "{\"tokens\": [{\"name\": \"x\", \"token\": \"t\", \"grants\":"
                                + " {\"*\": \"read\"}}]}")))
        .hasMessageContaining("Cannot use token 'x' twice");
  }
}
