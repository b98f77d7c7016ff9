package io.lakebeam.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Metrics against hand-computed values and against trec_eval itself (pytrec_eval, through a fixture
 * written by {@code src/test/resources/eval/make_trec_eval_fixture.py}).
 */
class RetrievalMetricTest {
  static final double LOG2_3 = Math.log(3) / Math.log(2);
  static final double LOG2_4 = 2.0;
  static final double LOG2_5 = Math.log(5) / Math.log(2);

  @Test
  void handComputedGradedNdcgRecallAndMrr() {
    // judged: a=3, b=2, c=0 (judged not relevant), d=1; e is unjudged
    Map<String, Integer> judged = Map.of("a", 3, "b", 2, "c", 0, "d", 1);
    List<String> ranking = List.of("e", "b", "c", "a");
    double dcg = 2 / LOG2_3 + 3 / LOG2_5; // b at rank 2, a at rank 4
    double idcg = 3 / 1.0 + 2 / LOG2_3 + 1 / LOG2_4; // a, b, d
    assertThat(RetrievalMetric.parse("ndcg@10").score(ranking, judged))
        .isCloseTo(dcg / idcg, within(1e-12));
    // cut at 2: only b counts; the ideal is cut at 2 as well
    assertThat(RetrievalMetric.parse("ndcg@2").score(ranking, judged))
        .isCloseTo((2 / LOG2_3) / (3 + 2 / LOG2_3), within(1e-12));
    assertThat(RetrievalMetric.parse("recall@10").score(ranking, judged))
        .isCloseTo(2.0 / 3, within(1e-12));
    assertThat(RetrievalMetric.parse("recall@3").score(ranking, judged))
        .isCloseTo(1.0 / 3, within(1e-12));
    assertThat(RetrievalMetric.parse("mrr@10").score(ranking, judged)).isEqualTo(0.5);
    assertThat(RetrievalMetric.parse("mrr@1").score(ranking, judged)).isZero();
    assertThat(RetrievalMetric.parse("ndcg@10").score(List.of(), judged)).isZero();
    assertThat(RetrievalMetric.parse("recall@10").score(List.of("a"), Map.of("a", 0))).isZero();
  }

  @Test
  void matchesTrecEvalOnSeededRuns() throws Exception {
    JsonNode fixture;
    try (InputStream in = getClass().getResourceAsStream("/eval/trec_eval_fixture.json")) {
      fixture = new ObjectMapper().readTree(in);
    }
    int checked = 0;
    for (JsonNode q : fixture.get("queries")) {
      Map<String, Integer> judged = new LinkedHashMap<>();
      q.get("qrels").fields().forEachRemaining(e -> judged.put(e.getKey(), e.getValue().asInt()));
      List<String> ranking = new ArrayList<>();
      q.get("ranking").forEach(d -> ranking.add(d.asText()));
      var expected = q.get("expected").fields();
      while (expected.hasNext()) {
        var e = expected.next();
        assertThat(RetrievalMetric.parse(e.getKey()).score(ranking, judged))
            .as("%s %s", q.get("id").asText(), e.getKey())
            .isCloseTo(e.getValue().asDouble(), within(1e-9));
        checked++;
      }
    }
    assertThat(checked).isEqualTo(40 * 5);
  }

  @Test
  void parsesNamesAndRejectsUnknownMetrics() {
    assertThat(RetrievalMetric.parse(" NDCG@10 "))
        .isEqualTo(new RetrievalMetric(RetrievalMetric.Kind.NDCG, 10));
    assertThat(RetrievalMetric.parseAll(List.of("mrr@5", "mrr@5", "recall@100")))
        .extracting(RetrievalMetric::wireName)
        .containsExactly("mrr@5", "recall@100");
    assertThatThrownBy(() -> RetrievalMetric.parse("map@10"))
        .hasMessageContaining("Cannot evaluate metric 'map@10': use recall@K, ndcg@K or mrr@K");
    assertThatThrownBy(() -> RetrievalMetric.parse("ndcg"))
        .hasMessageContaining("use recall@K, ndcg@K or mrr@K (e.g. ndcg@10)");
    assertThatThrownBy(() -> RetrievalMetric.parse("ndcg@ten"))
        .hasMessageContaining("must be a whole number, e.g. ndcg@10");
    assertThatThrownBy(() -> RetrievalMetric.parse("recall@0"))
        .hasMessageContaining("Cannot evaluate recall@0: use a cut-off of 1..10000");
  }
}
