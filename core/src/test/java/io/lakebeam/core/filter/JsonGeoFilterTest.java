package io.lakebeam.core.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

/** JSON-path and geo predicates: semantics row by row, pruning expressions and error positions. */
class JsonGeoFilterTest {
  static final Types.StructType POINT =
      Types.StructType.of(
          Types.NestedField.optional(11, "lon", Types.DoubleType.get()),
          Types.NestedField.optional(12, "lat", Types.DoubleType.get()));
  static final Types.StructType ATTRS =
      Types.StructType.of(
          Types.NestedField.optional(21, "lang", Types.StringType.get()),
          Types.NestedField.optional(22, "n", Types.LongType.get()),
          Types.NestedField.optional(
              23, "tags", Types.ListType.ofOptional(24, Types.StringType.get())));
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "year", Types.IntegerType.get()),
          Types.NestedField.optional(2, "meta", Types.StringType.get()),
          Types.NestedField.optional(3, "loc", POINT),
          Types.NestedField.optional(4, "wkt", Types.StringType.get()),
          Types.NestedField.optional(5, "attrs", ATTRS),
          Types.NestedField.optional(
              6,
              "kv",
              Types.MapType.ofOptional(7, 8, Types.StringType.get(), Types.LongType.get())));

  static Record row(String meta) {
    Record r = GenericRecord.create(SCHEMA);
    r.setField("year", 2020);
    r.setField("meta", meta);
    Record loc = GenericRecord.create(POINT);
    loc.setField("lon", 2.3522); // Paris
    loc.setField("lat", 48.8566);
    r.setField("loc", loc);
    r.setField("wkt", "POINT(-0.1276 51.5072)"); // London
    Record attrs = GenericRecord.create(ATTRS);
    attrs.setField("lang", "en");
    attrs.setField("n", 7L);
    attrs.setField("tags", List.of("a", "b"));
    r.setField("attrs", attrs);
    r.setField("kv", Map.of("x", 1L));
    return r;
  }

  static boolean matches(String filter, Record r) {
    RowFilter f = RowFilter.parse(filter, SCHEMA);
    return f.matcher(SCHEMA.asStruct()).test(r);
  }

  static final String META =
      "{\"lang\": \"en\", \"n\": 3, \"x\": 2.5, \"ok\": true, \"nil\": null,"
          + " \"tags\": [\"x\", \"y\", 4], \"a\": {\"b\": {\"c\": 10}}, \"s\": \"3\"}";

  @Test
  void comparesJsonValuesByTheirType() {
    Record r = row(META);
    assertThat(matches("meta[\"lang\"] = 'en'", r)).isTrue();
    assertThat(matches("meta['lang'] != 'de'", r)).isTrue();
    assertThat(matches("meta[\"n\"] = 3.0 AND meta[\"n\"] > 2 AND meta[\"x\"] < 3", r)).isTrue();
    // a number never equals a string, in either direction
    assertThat(matches("meta[\"n\"] = '3'", r)).isFalse();
    assertThat(matches("meta[\"s\"] = 3", r)).isFalse();
    assertThat(matches("meta[\"s\"] != 3", r)).isFalse();
    assertThat(matches("NOT meta[\"s\"] = 3", r)).isTrue();
    assertThat(matches("meta[\"ok\"] = true", r)).isTrue();
    assertThat(matches("meta[\"a\"][\"b\"][\"c\"] >= 10", r)).isTrue();
    assertThat(matches("meta[\"tags\"][0] = 'x' AND meta[\"tags\"][2] = 4", r)).isTrue();
    assertThat(matches("meta[\"tags\"][5] = 'x'", r)).isFalse();
    assertThat(matches("meta[\"n\"] IN (1, 2, 3) AND meta[\"lang\"] NOT IN ('de')", r)).isTrue();
    assertThat(matches("meta[\"lang\"] LIKE 'e%' AND meta[\"x\"] BETWEEN 2 AND 3", r)).isTrue();
  }

  @Test
  void missingAndNullPaths() {
    Record r = row(META);
    assertThat(matches("meta[\"nope\"] IS NULL AND meta[\"nil\"] IS NULL", r)).isTrue();
    assertThat(matches("meta[\"lang\"] IS NOT NULL", r)).isTrue();
    assertThat(matches("EXISTS meta[\"nil\"] AND NOT EXISTS meta[\"nope\"]", r)).isTrue();
    assertThat(matches("meta[\"nope\"] > 1 OR meta[\"nope\"] <= 1", r)).isFalse();
    assertThat(matches("meta[\"lang\"][\"deeper\"] IS NULL", r)).isTrue();
    Record empty = row(null);
    assertThat(matches("meta[\"lang\"] IS NULL", empty)).isTrue();
    Record broken = row("{\"lang\": \"en\", oops");
    assertThat(matches("meta[\"lang\"] = 'en'", broken)).isFalse();
  }

  @Test
  void jsonContains() {
    Record r = row(META);
    assertThat(matches("json_contains(meta[\"tags\"], 'x')", r)).isTrue();
    assertThat(matches("json_contains(meta[\"tags\"], 4)", r)).isTrue();
    assertThat(matches("json_contains(meta[\"tags\"], '4')", r)).isFalse();
    assertThat(matches("json_contains_any(meta[\"tags\"], ['q', 'y'])", r)).isTrue();
    assertThat(matches("json_contains_all(meta[\"tags\"], ['x', 'y'])", r)).isTrue();
    assertThat(matches("json_contains_all(meta[\"tags\"], ['x', 'q'])", r)).isFalse();
    assertThat(matches("json_contains(meta[\"lang\"], 'en')", r)).isFalse();
  }

  @Test
  void structMapAndListColumnsByPath() {
    Record r = row(META);
    assertThat(matches("attrs[\"lang\"] = 'en' AND attrs[\"n\"] = 7", r)).isTrue();
    assertThat(matches("array_contains(attrs[\"tags\"], 'b')", r)).isTrue();
    assertThat(matches("attrs[\"tags\"][1] = 'b'", r)).isTrue();
    assertThat(matches("kv[\"x\"] = 1 AND kv[\"y\"] IS NULL", r)).isTrue();
    assertThat(matches("attrs.n > 5", r)).isTrue(); // dotted names stay Iceberg predicates
  }

  @Test
  void geoDistanceAndBoxes() {
    Record r = row(META);
    // Paris-London is about 343.5 km
    assertThat(matches("st_distance(loc, POINT(-0.1276 51.5072)) < 344000", r)).isTrue();
    assertThat(matches("st_distance(loc, POINT(-0.1276 51.5072)) < 343000", r)).isFalse();
    assertThat(matches("st_dwithin(wkt, POINT(2.3522 48.8566), 344000)", r)).isTrue();
    assertThat(matches("st_dwithin(wkt, POINT(2.3522, 48.8566), 343000)", r)).isFalse();
    assertThat(matches("st_within(loc, BBOX(2, 48, 3, 49))", r)).isTrue();
    assertThat(matches("st_within(loc, BBOX(3, 48, 4, 49))", r)).isFalse();
    // across the antimeridian: min_lon > max_lon
    assertThat(matches("st_within(loc, BBOX(170, 40, 3, 50))", r)).isTrue();
    assertThat(matches("st_within(loc, BBOX(170, 40, 2, 50))", r)).isFalse();
    assertThat(matches("NOT st_within(wkt, BBOX(2, 48, 3, 49)) AND year = 2020", r)).isTrue();
    assertThat(GeoMath.haversine(2.3522, 48.8566, -0.1276, 51.5072))
        .isBetween(343_000.0, 344_000.0);
  }

  @Test
  void prunesByTheBoxOfACircleAndOnlyWhenImplied() {
    Expression e = RowFilter.parse("st_dwithin(loc, POINT(10 20), 1000)", SCHEMA).pruning();
    assertThat(e.toString()).contains("loc.lat").contains("loc.lon");
    // NOT of a geo predicate implies nothing about the bounds
    assertThat(RowFilter.parse("NOT st_dwithin(loc, POINT(10 20), 1000)", SCHEMA).pruning().op())
        .isEqualTo(Expression.Operation.TRUE);
    assertThat(RowFilter.parse("st_dwithin(wkt, POINT(10 20), 1000)", SCHEMA).pruning().op())
        .isEqualTo(Expression.Operation.TRUE);
    // a circle across the antimeridian: the longitude bound is an OR of two ranges
    double[] b = GeoMath.circleBox(179.99, 0, 5000);
    assertThat(b[0]).isGreaterThan(b[2]);
    assertThat(GeoMath.inBox(-179.99, 0, b)).isTrue();
    // a circle around the pole spans every longitude
    double[] polar = GeoMath.circleBox(0, 89.99, 5000);
    assertThat(polar[0]).isLessThanOrEqualTo(-180);
    assertThat(polar[3]).isGreaterThanOrEqualTo(90);
    assertThat(RowFilter.parse("meta[\"lang\"] = 'en'", SCHEMA).columns()).containsExactly("meta");
  }

  @Test
  void reportsPositionsOfBadPathsFunctionsAndGeoLiterals() {
    assertError("meta[] = 1", "position 6", "invalid JSON path step ']'");
    assertError("meta[\"a\" = 1", "position 10", "expected ']'");
    assertError("meta[-1] = 1", "position 6", "invalid JSON path step '-1'");
    assertError("year = 1 AND jsn_contains(meta, 'x')", "position 14", "unknown function");
    assertError("st_dwithin(loc, POINT(10 95), 5)", "position 26", "latitude 95 is outside");
    assertError("st_dwithin(loc, POINT(10), 5)", "position 25", "latitude is missing");
    assertError("st_dwithin(loc, POINT(10 20), -5)", "position 31", "0 or more");
    assertError("st_within(loc, BBOX(1, 50, 2, 40))", "position 31", "above max_lat");
    assertError("st_within(year, BBOX(1, 2, 3, 4))", "position 11", "geo functions take");
    assertError("attrs[\"nope\"] = 1", "position 1", "has no field 'nope'");
    assertError("year[\"a\"] = 1", "position 1", "JSON paths and json_contains apply");
    assertError("nope[\"a\"] = 1", "position 1", "no column 'nope'");
    assertError("meta[\"ok\"] > true", "position 14", "booleans compare with = and !=");
    assertError("attrs = 1", "position 1", "scalar columns (reach into struct");
    assertThatThrownBy(() -> FilterParser.parse("meta[\"a\"] = 1", SCHEMA))
        .hasMessageContaining("searches, reads and context specs");
  }

  static void assertError(String filter, String position, String message) {
    assertThatThrownBy(() -> RowFilter.parse(filter, SCHEMA))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining(position)
        .hasMessageContaining(message);
  }
}
