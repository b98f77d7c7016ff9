package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.list;
import static io.lakebeam.flight.FlightFixture.map;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** create_collection, DoPut, describe_collection, list_collections, ListFlights, ListActions. */
class CollectionAdminTest {
  @TempDir Path dir;

  @Test
  void createPutDescribeAndList() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      Map<String, Object> created = f.createDocs("docs");
      assertThat(created)
          .containsEntry("collection", "docs")
          .containsEntry("row_count", 0)
          .containsEntry("external", false);
      Map<String, Object> embedding = map(map(created, "vector_fields"), "embedding");
      assertThat(embedding)
          .containsEntry("dimension", FlightFixture.DIM)
          .containsEntry("metric", "cosine");
      List<Map<String, Object>> schema = list(created, "schema");
      assertThat(schema)
          .extracting(c -> c.get("name"))
          .containsExactly("id", "lang", "year", "text", "embedding");
      assertThat(schema.get(4)).containsEntry("type", "float_vector(" + FlightFixture.DIM + ")");

      Map<String, Object> put = f.putDocs("docs", 0, FlightFixture.vectors(40, 1));
      assertThat(put).containsEntry("rows", 40).containsEntry("data_files", 1);
      // vectors sent as list<float64> are accepted too, through a command descriptor
      try (VectorSchemaRoot doubles = f.docsBatch(40, FlightFixture.vectors(10, 2), true)) {
        Map<String, Object> put2 =
            f.put(
                FlightDescriptor.command(
                    Json.bytes(Map.of("v", 1, "type", "insert", "collection", "docs"))),
                doubles);
        assertThat(put2).containsEntry("rows", 10);
        assertThat(((Number) put2.get("snapshot_id")).longValue())
            .isNotEqualTo(((Number) put.get("snapshot_id")).longValue());
      }

      Map<String, Object> d = f.describe("docs");
      assertThat(d).containsEntry("row_count", 50).containsEntry("file_count", 2);
      assertThat(((Number) d.get("snapshot_id")).longValue())
          .isEqualTo(f.lake.collection("docs").snapshotId());
      assertThat((List<?>) d.get("indexes")).isEmpty();

      f.createDocs("other");
      assertThat(f.action("list_collections", Map.of()))
          .containsEntry("collections", List.of("docs", "other"));

      List<FlightInfo> flights = new ArrayList<>();
      f.client.listFlights(Criteria.ALL).forEach(flights::add);
      assertThat(flights)
          .extracting(i -> i.getDescriptor().getPath())
          .containsExactly(List.of("docs"), List.of("other"));
      assertThat(flights.get(0).getRecords()).isEqualTo(50);
      assertThat(flights.get(1).getRecords()).isEqualTo(0);
      assertThat(flights.get(0).getSchemaOptional().orElseThrow().getFields())
          .extracting(org.apache.arrow.vector.types.pojo.Field::getName)
          .containsExactly("id", "lang", "year", "text", "embedding");

      // the listing's tickets read the rows, the float64 ones included
      List<Map<String, Object>> rows = new ArrayList<>();
      for (FlightEndpoint e : flights.get(0).getEndpoints()) {
        rows.addAll(f.get(e.getTicket()));
      }
      assertThat(rows)
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrderElementsOf(range(0, 50));
      Map<String, Object> row45 =
          rows.stream().filter(r -> FlightFixture.id(r) == 45).findFirst().orElseThrow();
      float[] v45 = FlightFixture.vectors(10, 2).get(5);
      List<?> stored = (List<?>) row45.get("embedding");
      assertThat(stored).hasSize(FlightFixture.DIM);
      for (int i = 0; i < v45.length; i++) {
        assertThat(((Number) stored.get(i)).floatValue()).isEqualTo(v45[i]);
      }
      assertThat(row45)
          .containsEntry("lang", FlightFixture.lang(45))
          .containsEntry("year", FlightFixture.year(45));
    }
  }

  @Test
  void createWithIfNotExistsReturnsTheExistingCollection() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.createDocs("docs");
      f.putDocs("docs", 0, FlightFixture.vectors(5, 1));
      Map<String, Object> again =
          f.action(
              "create_collection",
              Map.of(
                  "collection",
                  "docs",
                  "schema",
                  FlightFixture.docsSchema(8),
                  "if_not_exists",
                  true));
      assertThat(again).containsEntry("row_count", 5);
      assertThat(map(map(again, "vector_fields"), "embedding"))
          .containsEntry("dimension", FlightFixture.DIM);
    }
  }

  @Test
  void listActionsDescribesEveryAction() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<ActionType> actions = new ArrayList<>();
      f.client.listActions().forEach(actions::add);
      assertThat(actions)
          .extracting(ActionType::getType)
          .containsExactlyInAnyOrder(
              "list_collections",
              "describe_collection",
              "create_collection",
              "create_external_collection",
              "create_index",
              "refresh",
              "drop_index",
              "pin_collection",
              "server_status",
              "drop_collection",
              "get_context",
              "diff_context",
              "list_context");
      assertThat(actions).allSatisfy(a -> assertThat(a.getDescription()).isNotBlank());

      f.createDocs("docs");
      assertThat(f.action("drop_collection", Map.of("collection", "docs")))
          .containsEntry("dropped", true);
      assertThat(f.action("list_collections", Map.of())).containsEntry("collections", List.of());
    }
  }

  static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < to; i++) {
      out.add(i);
    }
    return out;
  }
}
