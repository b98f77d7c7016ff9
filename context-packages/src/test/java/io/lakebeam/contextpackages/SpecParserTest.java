package io.lakebeam.contextpackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Reading specs, and every way a spec can be wrong. */
class SpecParserTest {
  private static final String GOOD =
      """
      name: support-kb
      source: {collection: corpus.chunks, field: embedding, snapshot: latest}
      queries: [{topic: "key rotation", text: "how do I rotate keys?"}]
      retrieve: {top_k: 50, filter: "lang = 'en'"}
      rerank: {method: mmr, lambda: 0.7}
      compress: {token_budget: 2000, dedup: true, order: document}
      """;

  @Test
  void readsTheExampleSpec() {
    ContextSpec spec = SpecParser.read(Path.of("examples/support-kb.yaml"));
    assertThat(spec.name()).isEqualTo("support-kb");
    assertThat(spec.source().collection()).isEqualTo("corpus.chunks");
    assertThat(spec.source().snapshot()).isNull();
    assertThat(spec.queries()).hasSize(3);
    assertThat(spec.rerank().method()).isEqualTo(ContextSpec.RerankMethod.MMR);
    assertThat(spec.compress().tokenBudget()).isEqualTo(2000);
    assertThat(spec.table()).isEqualTo(ContextSpec.DEFAULT_TABLE);
  }

  @Test
  void perTopicSpecRoundTripsThroughItsJson() {
    ContextSpec spec = SpecParser.parse(GOOD, "good.yaml");
    ContextSpec.Query q = spec.queries().get(0);
    String json = CanonicalJson.write(spec.forTopic(q));
    ContextSpec back = SpecParser.fromMap(CanonicalJson.readObject(json), "stored");
    assertThat(CanonicalJson.write(back.forTopic(back.queries().get(0)))).isEqualTo(json);
    assertThat(back.filter()).isEqualTo("lang = 'en'");
    assertThat(back.rerank().lambda()).isEqualTo(0.7);
  }

  @Test
  void typoInAKeyNamesTheClosestKnownKey() {
    assertThatThrownBy(() -> SpecParser.parse(GOOD.replace("retrieve:", "retreive:"), "kb.yaml"))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot read context package spec kb.yaml")
        .hasMessageContaining("unknown key 'retreive' in the top level (did you mean 'retrieve'?)");
    assertThatThrownBy(() -> SpecParser.parse(GOOD.replace("token_budget", "token_budjet"), "kb"))
        .hasMessageContaining("unknown key 'token_budjet' in compress")
        .hasMessageContaining("did you mean 'token_budget'?");
  }

  @Test
  void badValuesAreRefusedWithWhatToUse() {
    assertThatThrownBy(() -> SpecParser.parse(GOOD.replace("top_k: 50", "top_k: 0"), "kb"))
        .hasMessageContaining("retrieve.top_k=0; use 1..1000");
    assertThatThrownBy(() -> SpecParser.parse(GOOD.replace("method: mmr", "method: bm25"), "kb"))
        .hasMessageContaining("rerank.method 'bm25' is unknown; use mmr, similarity or field");
    assertThatThrownBy(() -> SpecParser.parse(GOOD.replace("lambda: 0.7", "lambda: 7"), "kb"))
        .hasMessageContaining("rerank.lambda=7.0");
    assertThatThrownBy(
            () -> SpecParser.parse(GOOD.replace("snapshot: latest", "snapshot: x"), "kb"))
        .hasMessageContaining("'source.snapshot' must be 'latest' or a snapshot id");
    assertThatThrownBy(
            () -> SpecParser.parse(GOOD.replace("token_budget: 2000", "token_budget: -1"), "kb"))
        .hasMessageContaining("compress.token_budget=-1");
    assertThatThrownBy(() -> SpecParser.parse("name: [", "kb"))
        .hasMessageContaining("it is not valid YAML");
  }

  @Test
  void missingPartsAreNamed() {
    assertThatThrownBy(() -> SpecParser.parse("name: kb\nqueries: [{topic: a, text: b}]\n", "kb"))
        .hasMessageContaining("'source' is required");
    assertThatThrownBy(
            () ->
                SpecParser.parse(
                    GOOD.replace(
                        "queries: [{topic: \"key rotation\", text: \"how do I rotate keys?\"}]",
                        ""),
                    "kb"))
        .hasMessageContaining("give either 'queries'");
    assertThatThrownBy(
            () ->
                SpecParser.parse(
                    GOOD.replace("queries: [", "queries: [{topic: \"key rotation\", text: x}, "),
                    "kb"))
        .hasMessageContaining("topic 'key rotation' appears twice");
  }
}
