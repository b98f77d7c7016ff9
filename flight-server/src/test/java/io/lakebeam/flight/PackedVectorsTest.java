package io.lakebeam.flight;

import static io.lakebeam.flight.FlightFixture.searchTicket;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Query vectors packed as base64 float32 give the same results as JSON lists; bad packing fails
 * clearly.
 */
class PackedVectorsTest {
  @TempDir Path dir;

  static String pack(List<float[]> vectors) {
    ByteBuffer b =
        ByteBuffer.allocate(4 * vectors.size() * vectors.get(0).length)
            .order(ByteOrder.LITTLE_ENDIAN);
    for (float[] v : vectors) {
      for (float x : v) {
        b.putFloat(x);
      }
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  @Test
  void packedQueriesMatchJsonQueries() throws Exception {
    try (FlightFixture f = FlightFixture.start(dir)) {
      List<float[]> vectors = ErrorsTest.seed(f);
      List<float[]> queries = vectors.subList(3, 6);
      Map<String, Object> json = searchTicket("docs", queries, 4);
      Map<String, Object> packed = searchTicket("docs", queries, 4);
      packed.remove("vectors");
      packed.put("vectors_f32", pack(queries));
      packed.put("dim", queries.get(0).length);
      assertThat(f.search(packed)).isEqualTo(f.search(json)).hasSize(12);

      packed.put("dim", 5);
      FlightFixture.assertFlightError(
          () -> f.search(packed), FlightStatusCode.INVALID_ARGUMENT, "whole number");
      packed.put("dim", queries.get(0).length);
      packed.put("vectors_f32", "not base64!");
      FlightFixture.assertFlightError(
          () -> f.search(packed), FlightStatusCode.INVALID_ARGUMENT, "not base64");
      ErrorsTest.assertServerAnswers(f, vectors.get(0));
    }
  }
}
