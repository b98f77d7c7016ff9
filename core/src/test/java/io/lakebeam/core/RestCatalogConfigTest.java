package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuring a REST catalog, and what opening one says when it cannot. */
class RestCatalogConfigTest {
  @TempDir Path dir;

  @Test
  void restWarehouseIsTheServersNameNotALocalPath() throws Exception {
    Files.writeString(
        dir.resolve("lakehouse.properties"),
        "catalog.type=rest\ncatalog.uri=https://polaris.example.com/api/catalog\n"
            + "credential=client:secret\nwarehouse=lakebeam_catalog\n");
    LakehouseConfig config = LakehouseConfig.of(dir.toString());
    assertThat(config.catalogType()).isEqualTo("rest");
    assertThat(config.warehouse()).isEqualTo("lakebeam_catalog");
    assertThat(config.properties()).containsEntry("credential", "client:secret");
    // a catalog name is no source root: external collections need lakebeam.allowed-sources
    assertThat(config.sourceRoots().toString()).doesNotContain("lakebeam_catalog");
  }

  @Test
  void restWithoutAnHttpUriIsRefusedWithAnExample() {
    assertThatThrownBy(() -> LakehouseConfig.of(Map.of("catalog.type", "rest")))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot use a rest catalog without an http(s) 'catalog.uri'")
        .hasMessageContaining("http://polaris:8181/api/catalog");
    assertThatThrownBy(
            () ->
                LakehouseConfig.of(
                    Map.of("catalog.type", "rest", "catalog.uri", "jdbc:sqlite:/tmp/x.db")))
        .hasMessageContaining("got 'jdbc:sqlite:/tmp/x.db'");
  }

  @Test
  void unreachableServerNamesTheUri() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    String uri = "http://127.0.0.1:" + port;
    assertThatThrownBy(() -> Lakehouse.open(rest(uri)))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot reach the REST catalog at " + uri)
        .hasMessageContaining("check 'catalog.uri'");
  }

  @Test
  void refusedCredentialsSayWhichPropertiesCarryOne() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    byte[] body =
        "{\"error\":{\"message\":\"Credentials have expired\",\"type\":\"NotAuthorizedException\",\"code\":401}}"
            .getBytes(StandardCharsets.UTF_8);
    server.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(401, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      String uri = "http://127.0.0.1:" + server.getAddress().getPort();
      assertThatThrownBy(() -> Lakehouse.open(rest(uri)))
          .isInstanceOf(LakebeamException.class)
          .hasMessageContaining("Cannot open the REST catalog at " + uri)
          .hasMessageContaining("Credentials have expired")
          .hasMessageContaining("set 'credential' (OAuth2 CLIENT_ID:CLIENT_SECRET")
          .hasMessageContaining("or 'token'");
    } finally {
      server.stop(0);
    }
  }

  private static LakehouseConfig rest(String uri) {
    return LakehouseConfig.of(
        Map.of("catalog.type", "rest", "catalog.uri", uri, "warehouse", "s3://lake/wh"));
  }
}
