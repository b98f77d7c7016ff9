package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.lake.Lakehouse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A non-loopback address needs TLS and a token, unless forced with --insecure. */
class BindCheckTest {
  @TempDir Path dir;

  @Test
  void networkAddressWithoutTlsOrTokenIsRefusedWithWhatToAdd() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.resolve("lake").toString())) {
      assertThatThrownBy(() -> LakebeamFlightServer.builder(lake).host("0.0.0.0").port(0).build())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("Cannot listen on 0.0.0.0 without TLS and a token")
          .hasMessageContaining("--tls-cert FILE --tls-key FILE")
          .hasMessageContaining("--token TOKEN or --auth-config FILE")
          .hasMessageContaining("--insecure");
    }
    assertThatThrownBy(() -> BindCheck.check("10.1.2.3", true, false, false))
        .hasMessageContaining("Add a token (--token TOKEN or --auth-config FILE), bind");
    assertThatThrownBy(() -> BindCheck.check("::", false, true, false))
        .hasMessageContaining("Add TLS (--tls-cert FILE --tls-key FILE), bind");
  }

  @Test
  void loopbackTlsWithTokenOrInsecureAreAllowed() {
    for (String host : List.of("127.0.0.1", "::1", "localhost", "LOCALHOST")) {
      assertThatCode(() -> BindCheck.check(host, false, false, false)).doesNotThrowAnyException();
    }
    assertThatCode(() -> BindCheck.check("0.0.0.0", true, true, false)).doesNotThrowAnyException();
    assertThatCode(() -> BindCheck.check("0.0.0.0", false, false, true)).doesNotThrowAnyException();
  }
}
