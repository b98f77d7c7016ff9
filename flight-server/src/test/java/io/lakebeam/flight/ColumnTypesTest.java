package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every scalar type goes in through DoPut and comes back unchanged through batch reads and search
 * output fields, nulls included; timestamps and booleans filter.
 */
class ColumnTypesTest {
  static final int DIM = 8;
  static final int ROWS = 24;
  static final LocalDateTime T0 = LocalDateTime.of(2023, 12, 31, 12, 0);
  static final LocalDate D0 = LocalDate.of(2024, 2, 20);
  @TempDir Path dir;

  static Map<String, String> schema() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("id", "long not null");
    s.put("ts", "timestamp");
    s.put("tstz", "timestamptz");
    s.put("day", "date");
    s.put("ok", "bool");
    s.put("score", "double");
    s.put("rating", "float");
    s.put("blob", "binary");
    s.put("rank", "int"); // shares its name with a search result column
    s.put("embedding", "float_vector(" + DIM + ")");
    return s;
  }

  static long micros(LocalDateTime t) {
    return t.toEpochSecond(java.time.ZoneOffset.UTC) * 1_000_000L;
  }

  /** Row i: every fifth row has null scalars; timestamps advance by 6 hours per row. */
  static VectorSchemaRoot batch(FlightFixture f, List<float[]> vectors) {
    Field item =
        Field.notNullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    Schema schema =
        new Schema(
            List.of(
                Field.notNullable("id", new ArrowType.Int(64, true)),
                Field.nullable("ts", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
                Field.nullable("tstz", new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")),
                Field.nullable(
                    "day", new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY)),
                Field.nullable("ok", ArrowType.Bool.INSTANCE),
                Field.nullable("score", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)),
                Field.nullable(
                    "rating", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)),
                Field.nullable("blob", ArrowType.Binary.INSTANCE),
                Field.nullable("rank", new ArrowType.Int(32, true)),
                new Field(
                    "embedding", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, f.allocator);
    root.allocateNew();
    UnionListWriter w = ((ListVector) root.getVector("embedding")).getWriter();
    for (int i = 0; i < vectors.size(); i++) {
      ((BigIntVector) root.getVector("id")).setSafe(i, i);
      if (i % 5 != 4) { // every fifth row leaves its scalars unset: null
        ((TimeStampMicroVector) root.getVector("ts")).setSafe(i, micros(T0.plusHours(6L * i)));
        ((TimeStampMicroTZVector) root.getVector("tstz")).setSafe(i, micros(T0.plusHours(6L * i)));
        ((DateDayVector) root.getVector("day")).setSafe(i, (int) D0.plusDays(i).toEpochDay());
        ((BitVector) root.getVector("ok")).setSafe(i, i % 2);
        ((Float8Vector) root.getVector("score")).setSafe(i, i / 4.0);
        ((Float4Vector) root.getVector("rating")).setSafe(i, i / 8f);
        ((VarBinaryVector) root.getVector("blob"))
            .setSafe(i, ("b" + i).getBytes(StandardCharsets.UTF_8));
        ((IntVector) root.getVector("rank")).setSafe(i, 1000 + i);
      }
      w.setPosition(i);
      w.startList();
      for (float x : vectors.get(i)) {
        w.float4().writeFloat4(x);
      }
      w.endList();
    }
    root.setRowCount(vectors.size());
    return root;
  }

  /** The values row {@code id} was given, as a client reads them back. */
  static void assertRow(Map<String, Object> row) {
    int i = (int) FlightFixture.id(row);
    if (i % 5 == 4) {
      for (String c : List.of("ts", "tstz", "day", "ok", "score", "rating", "blob", "rank")) {
        assertThat(row.get(c)).as("%s of row %d", c, i).isNull();
      }
      return;
    }
    assertThat(row.get("ts")).isEqualTo(T0.plusHours(6L * i));
    assertThat(row.get("tstz")).isEqualTo(micros(T0.plusHours(6L * i)));
    assertThat(row.get("day")).isEqualTo((int) D0.plusDays(i).toEpochDay());
    assertThat(row.get("ok")).isEqualTo(i % 2 == 1);
    assertThat(row.get("score")).isEqualTo(i / 4.0);
    assertThat(row.get("rating")).isEqualTo(i / 8f);
    assertThat((byte[]) row.get("blob")).isEqualTo(("b" + i).getBytes(StandardCharsets.UTF_8));
    assertThat(row.get("rank")).isEqualTo(1000 + i);
  }

  @Test
  void everyTypeRoundTripsThroughReadsAndSearch() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      f.action("create_collection", Map.of("collection", "t", "schema", schema(), "metric", "l2"));
      List<float[]> vectors = FlightFixture.vectors(ROWS, DIM, 3);
      try (VectorSchemaRoot root = batch(f, vectors)) {
        assertThat(f.put(FlightDescriptor.path("t"), root)).containsEntry("rows", ROWS);
      }

      FlightInfo info = f.client.getInfo(FlightDescriptor.path("t"));
      List<Map<String, Object>> rows = new ArrayList<>();
      for (FlightEndpoint e : info.getEndpoints()) {
        rows.addAll(f.get(e.getTicket()));
      }
      rows.sort(Comparator.comparingLong(FlightFixture::id));
      assertThat(rows).hasSize(ROWS);
      rows.forEach(ColumnTypesTest::assertRow);
      // a filter takes the row path instead of the native Parquet path: same values
      Map<String, Object> rowTicket =
          new LinkedHashMap<>(Map.of("type", "read", "collection", "t", "filter", "id >= 0"));
      List<Map<String, Object>> rowPath = f.get(FlightFixture.ticket(rowTicket));
      rowPath.sort(Comparator.comparingLong(FlightFixture::id));
      assertThat(rowPath).hasSize(ROWS);
      rowPath.forEach(ColumnTypesTest::assertRow);
      assertThat(rowPath)
          .extracting(r -> r.get("embedding"))
          .isEqualTo(rows.stream().map(r -> r.get("embedding")).toList());

      List<String> outputs =
          List.of("id", "ts", "tstz", "day", "ok", "score", "rating", "blob", "rank");
      Map<String, Object> t = FlightFixture.searchTicket("t", List.of(vectors.get(6)), ROWS);
      t.put("output_fields", outputs);
      List<Map<String, Object>> hits = f.search(t);
      assertThat(hits).hasSize(ROWS);
      // the result column "rank" comes first, the output field of the same name after it
      assertThat(
              f.client.getSchema(FlightDescriptor.command(Json.bytes(t))).getSchema().getFields())
          .extracting(Field::getName)
          .containsExactly(
              "query_index",
              "rank",
              "_score",
              "_distance",
              "_file",
              "_pos",
              "id",
              "ts",
              "tstz",
              "day",
              "ok",
              "score",
              "rating",
              "blob",
              "rank");
      assertThat(FlightFixture.id(hits.get(0))).isEqualTo(6);
      assertThat((float) hits.get(0).get("_distance")).isEqualTo(0f);
      assertThat((float) hits.get(0).get("_score")).isEqualTo(1f);
      // a row map keeps the last "rank": the output field's, not the result rank
      for (Map<String, Object> hit : hits) {
        assertRow(hit);
      }

      Map<String, Object> filtered = FlightFixture.searchTicket("t", List.of(vectors.get(6)), ROWS);
      filtered.put("output_fields", List.of("id"));
      filtered.put("filter", "ts >= '2024-01-02T00:00:00' AND ok = true");
      // ts >= T0 + 36h means i >= 6; ok means odd i; null rows (i % 5 == 4) never match
      List<Long> expected = new ArrayList<>();
      for (long i = 6; i < ROWS; i++) {
        if (i % 2 == 1 && i % 5 != 4) {
          expected.add(i);
        }
      }
      assertThat(f.search(filtered))
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrderElementsOf(expected);
      filtered.put("filter", "blob IS NULL");
      assertThat(f.search(filtered))
          .extracting(FlightFixture::id)
          .containsExactlyInAnyOrder(4L, 9L, 14L, 19L);
    }
  }
}
