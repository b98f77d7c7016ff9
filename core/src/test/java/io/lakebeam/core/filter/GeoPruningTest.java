package io.lakebeam.core.filter;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakebeam.core.TestData;
import io.lakebeam.core.index.SearchHit;
import io.lakebeam.core.index.SearchRequest;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.CollectionWriter;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.core.lake.Metric;
import io.lakebeam.core.read.TableState;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a real table of four data files, each in its own region: geo filters skip the files whose
 * lon/lat bounds cannot match, and a search with the filter returns exactly the matching rows.
 */
class GeoPruningTest {
  static final Types.StructType POINT =
      Types.StructType.of(
          Types.NestedField.optional(1, "lon", Types.DoubleType.get()),
          Types.NestedField.optional(2, "lat", Types.DoubleType.get()));

  /** Region centres (lon, lat): Paris, New York, Fiji across the antimeridian, Tokyo. */
  static final double[][] CENTRES = {{2.35, 48.85}, {-74.0, 40.7}, {179.9, -17.0}, {139.7, 35.7}};

  static final int ROWS_PER_FILE = 2_000;

  @TempDir Path dir;

  @Test
  void prunesFilesAndKeepsEveryMatchingRow() throws Exception {
    try (Lakehouse lake = Lakehouse.open(dir.toString())) {
      Collection c = lake.createCollection("places", TestData.schema(4), Metric.COSINE, false);
      c.table().updateSchema().addColumn("loc", POINT).commit();
      c.refreshMetadata();
      Random rnd = new Random(16);
      double[][] points = new double[CENTRES.length * ROWS_PER_FILE][];
      for (int f = 0; f < CENTRES.length; f++) {
        try (CollectionWriter w = c.newWriter()) {
          for (int i = 0; i < ROWS_PER_FILE; i++) {
            int id = f * ROWS_PER_FILE + i;
            double lon = CENTRES[f][0] + (rnd.nextDouble() - 0.5) * 1.0;
            lon = lon > 180 ? lon - 360 : lon; // Fiji straddles the antimeridian
            double lat = CENTRES[f][1] + (rnd.nextDouble() - 0.5) * 1.0;
            points[id] = new double[] {lon, lat};
            Record r = GenericRecord.create(c.schema());
            r.setField("id", (long) id);
            r.setField("lang", TestData.LANGS[id % 3]);
            r.setField("year", 2010 + id % 15);
            r.setField("text", "row " + id);
            r.setField("embedding", TestData.boxed(TestData.vector(rnd, 4)));
            Record loc = GenericRecord.create(POINT);
            loc.setField("lon", lon);
            loc.setField("lat", lat);
            r.setField("loc", loc);
            w.write(r);
          }
          w.commit();
        }
      }
      c.refreshMetadata();
      List<DataFile> files = c.liveFiles();
      assertThat(files).hasSize(CENTRES.length);

      check(
          lake,
          c,
          points,
          "st_dwithin(loc, POINT(2.35 48.85), 20000)",
          1,
          p -> dist(p, 2.35, 48.85) <= 20000);
      check(
          lake,
          c,
          points,
          "st_within(loc, BBOX(179.5, -18, -179.5, -16))",
          1,
          p -> (p[0] >= 179.5 || p[0] <= -179.5) && p[1] >= -18 && p[1] <= -16);
      check(
          lake,
          c,
          points,
          "st_distance(loc, POINT(-180 -17)) < 30000",
          1,
          p -> dist(p, -180, -17) < 30000);
      check(
          lake,
          c,
          points,
          "st_dwithin(loc, POINT(-74 40.7), 15000) OR st_within(loc, BBOX(139, 35, 140, 36))",
          2,
          p ->
              dist(p, -74, 40.7) <= 15000
                  || (p[0] >= 139 && p[0] <= 140 && p[1] >= 35 && p[1] <= 36));
      // a NOT cannot prune: every file is read
      check(
          lake,
          c,
          points,
          "NOT st_dwithin(loc, POINT(2.35 48.85), 20000) AND lang = 'en'",
          4,
          null);
    }
  }

  interface PointTest {
    boolean test(double[] p);
  }

  private static void check(
      Lakehouse lake, Collection c, double[][] points, String filter, int files, PointTest test) {
    RowFilter f = RowFilter.parse(filter, c.schema());
    assertThat(TableState.of(c.table()).files().values().stream().filter(f::mightMatch).count())
        .as(filter)
        .isEqualTo(files);
    if (test == null) {
      return;
    }
    Set<Long> expected = new HashSet<>();
    for (int id = 0; id < points.length; id++) {
      if (test.test(points[id])) {
        expected.add((long) id);
      }
    }
    assertThat(expected).as(filter).isNotEmpty().hasSizeLessThan(SearchRequest.MAX_TOP_K);
    float[][] query = {{1, 0, 0, 0}};
    List<SearchHit> hits =
        lake.indexes()
            .search(c, new SearchRequest("embedding", query, SearchRequest.MAX_TOP_K, 0, filter))
            .get(0);
    Set<Long> found = new HashSet<>();
    for (SearchHit h : hits) {
      Object[] ids =
          (Object[])
              lake.indexes().columnCache().columns(c.table(), h.file(), List.of("id")).get("id");
      found.add((Long) ids[(int) h.pos()]);
    }
    assertThat(found).as(filter).isEqualTo(expected);
  }

  /** Haversine by the spherical law of cosines' sibling, written independently of GeoMath. */
  private static double dist(double[] p, double lon, double lat) {
    double r = 6_371_008.8;
    double a1 = Math.toRadians(p[1]);
    double a2 = Math.toRadians(lat);
    double dl = Math.toRadians(lon - p[0]);
    double h =
        Math.pow(Math.sin((a2 - a1) / 2), 2)
            + Math.cos(a1) * Math.cos(a2) * Math.pow(Math.sin(dl / 2), 2);
    return 2 * r * Math.asin(Math.sqrt(h));
  }
}
