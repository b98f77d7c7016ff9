package io.lakebeam.flight;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;

/** The type check that decides whether a native Parquet batch may be sent as the stream's. */
class NativeParquetScanTest {
  static Field vector(String child) {
    Field item =
        Field.notNullable(child, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    return new Field("embedding", FieldType.nullable(ArrowType.List.INSTANCE), List.of(item));
  }

  static Field ts(TimeUnit unit) {
    return Field.nullable("ts", new ArrowType.Timestamp(unit, null));
  }

  @Test
  void listChildNamesDoNotMatterButEveryFieldsTypeDoes() {
    List<Field> expected = List.of(vector("item"), ts(TimeUnit.MICROSECOND));
    assertThat(
            NativeParquetScan.sameTypes(
                List.of(vector("element"), ts(TimeUnit.MICROSECOND)), expected, true))
        .isTrue();
    // a field after a list whose child is named differently is still checked
    assertThat(
            NativeParquetScan.sameTypes(
                List.of(vector("element"), ts(TimeUnit.NANOSECOND)), expected, true))
        .isFalse();
    assertThat(NativeParquetScan.sameTypes(List.of(vector("element")), expected, true)).isFalse();
    Field doubles =
        new Field(
            "embedding",
            FieldType.nullable(ArrowType.List.INSTANCE),
            List.of(
                Field.notNullable(
                    "element", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE))));
    assertThat(
            NativeParquetScan.sameTypes(List.of(doubles, ts(TimeUnit.MICROSECOND)), expected, true))
        .isFalse();
    Field renamed = Field.nullable("time", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    assertThat(NativeParquetScan.sameTypes(List.of(vector("item"), renamed), expected, true))
        .isFalse();
  }

  @Test
  void localUriOfPlainAndFilePaths() {
    assertThat(NativeParquetScan.localUri("/tmp/a b/x.parquet"))
        .isEqualTo("file:///tmp/a%20b/x.parquet");
    assertThat(NativeParquetScan.localUri("file:/tmp/x.parquet"))
        .isEqualTo("file:///tmp/x.parquet");
    assertThat(NativeParquetScan.localUri("s3://bucket/x.parquet")).isNull();
  }
}
