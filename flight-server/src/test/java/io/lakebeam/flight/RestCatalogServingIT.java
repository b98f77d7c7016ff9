package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.id;
import static io.lakebeam.flight.FlightFixture.list;
import static io.lakebeam.flight.FlightFixture.searchTicket;
import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.PlainIcebergWriter;
import io.lakebeam.core.RestCatalogServer;
import io.lakebeam.core.S3ProxyServer;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.LakehouseConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Serving a lakehouse whose catalog is a real Iceberg REST server (in a child JVM) over S3Proxy:
 * DoPut ingest, create_index, search, and rows another engine appends through its own REST client
 * found after a refresh.
 */
class RestCatalogServingIT {
  static final int DIM = FlightFixture.DIM;

  @TempDir static Path dir;
  static S3ProxyServer s3;
  static RestCatalogServer rest;

  @BeforeAll
  static void startServers() throws Exception {
    s3 = S3ProxyServer.start(dir, "lake");
    rest = RestCatalogServer.start(dir, s3, "s3://lake/served");
  }

  @AfterAll
  static void stopServers() throws Exception {
    if (rest != null) {
      rest.close();
    }
    if (s3 != null) {
      s3.close();
    }
  }

  @Test
  void ingestIndexSearchAndRefreshOverARestCatalog() throws Exception {
    Lakehouse lake = Lakehouse.open(LakehouseConfig.of(rest.lakehouseProperties()));
    try (FlightFixture f = FlightFixture.over(lake, b -> b.metadataRefreshMillis(0))) {
      f.createDocs("docs");
      List<float[]> vectors = new ArrayList<>(FlightFixture.vectors(1_200, 1));
      f.putDocs("docs", 0, vectors);
      List<float[]> more = FlightFixture.vectors(300, 2);
      f.putDocs("docs", 1_200, more);
      vectors.addAll(more);
      assertThat(f.action("create_index", Map.of("collection", "docs", "field", "embedding")))
          .containsEntry("rows_indexed", 1_500);
      for (int i : new int[] {3, 700, 1_450}) {
        Map<String, Object> hit =
            f.search(withIds(searchTicket("docs", List.of(vectors.get(i)), 3))).get(0);
        assertThat(id(hit)).isEqualTo(i);
        assertThat((String) hit.get("_file")).startsWith("s3://lake/served/");
      }

      try (RESTCatalog other = PlainIcebergWriter.client(rest, "other-engine")) {
        PlainIcebergWriter.append(
            other.loadTable(TableIdentifier.of("default", "docs")), 500_000, 100, DIM, 9);
      }
      Map<String, Object> refreshed = f.action("refresh", Map.of("collection", "docs"));
      assertThat(list(refreshed, "indexes").get(0)).containsEntry("mode", "incremental");
      assertThat(list(f.describe("docs"), "indexes").get(0))
          .containsEntry("stale", false)
          .containsEntry("rows", 1_600);
      float[] theirs = PlainIcebergWriter.vector(9, 42, DIM);
      Map<String, Object> hit = f.search(withIds(searchTicket("docs", List.of(theirs), 1))).get(0);
      assertThat(id(hit)).isEqualTo(500_042);
    }
  }

  private static Map<String, Object> withIds(Map<String, Object> ticket) {
    ticket.put("output_fields", List.of("id"));
    return ticket;
  }
}
