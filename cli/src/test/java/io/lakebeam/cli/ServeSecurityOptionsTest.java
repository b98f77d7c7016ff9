package io.lakebeam.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code lakebeam serve} refuses unsafe or incomplete transport options before it listens. */
class ServeSecurityOptionsTest {
  @TempDir Path dir;

  private String errorOf(String... args) {
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      assertThat(Main.run(args)).isEqualTo(1);
      return e.toString(StandardCharsets.UTF_8);
    } finally {
      System.setErr(err);
    }
  }

  @Test
  void networkHostWithoutTlsAndTokenIsRefused() {
    String lake = dir.resolve("lake").toString();
    assertThat(errorOf("serve", "--lakehouse", lake, "--host", "0.0.0.0", "--port", "0"))
        .contains("Cannot listen on 0.0.0.0 without TLS and a token")
        .contains("--tls-cert FILE --tls-key FILE")
        .contains("--insecure");
    assertThat(errorOf("serve", "--lakehouse", lake, "--tls-cert", dir.resolve("c.pem").toString()))
        .contains("give both");
    assertThat(
            errorOf(
                "serve",
                "--lakehouse",
                lake,
                "--auth-config",
                dir.resolve("missing.json").toString()))
        .contains("Cannot read auth config")
        .contains("missing.json");
  }
}
