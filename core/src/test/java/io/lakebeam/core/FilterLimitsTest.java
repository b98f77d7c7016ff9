package io.lakebeam.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.filter.FilterParser;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.junit.jupiter.api.Test;

/** Hostile filters fail with a clear error instead of overflowing the stack. */
class FilterLimitsTest {
  @Test
  void deepParenthesesAreRejectedWithTheLimit() {
    String deep = "(".repeat(200_000) + "lang = 'en'" + ")".repeat(200_000);
    assertThatThrownBy(() -> FilterParser.parse(deep, FilterParserTest.SCHEMA))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("nested more than " + FilterParser.MAX_NESTING + " levels deep")
        .hasMessageNotContaining("(".repeat(300));
  }

  @Test
  void deepNotsAreRejectedWithTheLimit() {
    String deep = "NOT ".repeat(100_000) + "lang = 'en'";
    assertThatThrownBy(() -> FilterParser.parse(deep, FilterParserTest.SCHEMA))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("nested more than " + FilterParser.MAX_NESTING);
  }

  @Test
  void nestingUpToTheLimitParses() {
    int n = FilterParser.MAX_NESTING;
    String ok = "(".repeat(n) + "lang = 'en'" + ")".repeat(n);
    assertThat(FilterParser.parse(ok, FilterParserTest.SCHEMA)).isNotNull();
  }

  @Test
  void longFlatChainsEvaluateWithoutDeepRecursion() {
    StringBuilder b = new StringBuilder("year = 0");
    for (int i = 1; i < 50_000; i++) {
      b.append(i % 2 == 0 ? " OR " : " OR year = ").append(i % 2 == 0 ? "year = " + i : "" + i);
    }
    Expression e = FilterParser.parse(b.toString(), FilterParserTest.SCHEMA);
    Record r = GenericRecord.create(FilterParserTest.SCHEMA);
    r.set(1, 49_999);
    assertThat(new Evaluator(FilterParserTest.SCHEMA.asStruct(), e, true).eval(r)).isTrue();
    r.set(1, 50_000);
    assertThat(new Evaluator(FilterParserTest.SCHEMA.asStruct(), e, true).eval(r)).isFalse();
  }
}
