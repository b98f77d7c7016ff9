package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.filter.FilterParser;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;

class FilterParserTest {
  static final Schema SCHEMA =
      new Schema(
          Types.NestedField.optional(1, "lang", Types.StringType.get()),
          Types.NestedField.optional(2, "year", Types.IntegerType.get()),
          Types.NestedField.optional(3, "stars", Types.DoubleType.get()),
          Types.NestedField.optional(4, "ok", Types.BooleanType.get()),
          Types.NestedField.optional(5, "odd name", Types.StringType.get()),
          Types.NestedField.optional(6, "v", Types.ListType.ofRequired(7, Types.FloatType.get())));

  static boolean eval(
      String filter, Object lang, Object year, Object stars, Object ok, Object odd) {
    Expression e = FilterParser.parse(filter, SCHEMA);
    Record r = GenericRecord.create(SCHEMA);
    r.set(0, lang);
    r.set(1, year);
    r.set(2, stars);
    r.set(3, ok);
    r.set(4, odd);
    return new Evaluator(SCHEMA.asStruct(), e, true).eval(r);
  }

  @Test
  void evaluatesTheLanguage() {
    assertThat(eval("lang = 'en' AND year >= 2020", "en", 2021, 1.0, true, "x")).isTrue();
    assertThat(eval("lang = 'en' AND year >= 2020", "en", 2019, 1.0, true, "x")).isFalse();
    assertThat(eval("NOT (lang = 'en') OR stars > 4.5", "en", 2019, 4.6, true, "x")).isTrue();
    assertThat(eval("lang IN ('de', 'fr')", "fr", 1, 1.0, true, "x")).isTrue();
    assertThat(eval("lang NOT IN ('de', 'fr')", "fr", 1, 1.0, true, "x")).isFalse();
    assertThat(eval("lang IS NULL", null, 1, 1.0, true, "x")).isTrue();
    assertThat(eval("lang IS NOT NULL", null, 1, 1.0, true, "x")).isFalse();
    assertThat(eval("lang LIKE 'e%'", "en", 1, 1.0, true, "x")).isTrue();
    assertThat(eval("year BETWEEN 2000 AND 2010", "en", 2005, 1.0, true, "x")).isTrue();
    assertThat(eval("ok = true AND year != 3", "en", 2, 1.0, true, "x")).isTrue();
    assertThat(eval("\"odd name\" = 'it''s'", "en", 2, 1.0, true, "it's")).isTrue();
    assertThat(eval("stars <> -1.5e0", "en", 2, -1.5, true, "x")).isFalse();
  }

  @Test
  void reportsWhereAndWhat() {
    assertThatThrownBy(() -> FilterParser.parse("lang = ", SCHEMA))
        .hasMessageContaining("position 8")
        .hasMessageContaining("expected a value");
    assertThatThrownBy(() -> FilterParser.parse("lang = 'en", SCHEMA))
        .hasMessageContaining("unterminated string");
    assertThatThrownBy(() -> FilterParser.parse("(lang = 'en'", SCHEMA))
        .hasMessageContaining("expected ')'");
    assertThatThrownBy(() -> FilterParser.parse("nope = 1", SCHEMA))
        .hasMessageContaining("no column 'nope'");
    assertThatThrownBy(() -> FilterParser.parse("v = 1", SCHEMA))
        .hasMessageContaining("scalar columns");
    assertThatThrownBy(() -> FilterParser.parse("year = 'abc'", SCHEMA))
        .hasMessageContaining("Cannot apply filter");
    assertThatThrownBy(() -> FilterParser.parse("lang LIKE '%x'", SCHEMA))
        .hasMessageContaining("prefix");
    assertThatThrownBy(() -> FilterParser.parse("lang = NULL", SCHEMA))
        .hasMessageContaining("IS NULL");
    assertThatThrownBy(() -> FilterParser.parse("lang = 'a' ; drop", SCHEMA))
        .hasMessageContaining("unexpected character ';'");
    assertThat(
            FilterParser.columns(
                FilterParser.parse("lang = 'a' AND (year > 1 OR lang = 'b')", SCHEMA)))
        .containsExactly("lang", "year");
  }
}
