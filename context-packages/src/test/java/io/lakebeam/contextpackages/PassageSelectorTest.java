package io.lakebeam.contextpackages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** MMR, dedup and the budget on tiny hand-made vectors. */
class PassageSelectorTest {
  private static Candidate c(int rank, String uri, int start, float[] v, double sim, String text) {
    return new Candidate(rank, "f", rank, text, uri, null, null, start, start + 10, v, sim, null);
  }

  // a and a2 are near copies; b points elsewhere but is still relevant
  private final Candidate a = c(0, "u1", 0, new float[] {1, 0, 0}, 0.95, "alpha");
  private final Candidate a2 = c(1, "u2", 0, new float[] {0.99f, 0.05f, 0}, 0.94, "alpha again");
  private final Candidate b = c(2, "u3", 0, new float[] {0, 1, 0}, 0.80, "beta");

  @Test
  void mmrTradesRelevanceForDiversity() {
    assertThat(PassageSelector.mmr(List.of(a, a2, b), 1.0)).containsExactly(a, a2, b);
    assertThat(PassageSelector.mmr(List.of(a, a2, b), 0.5)).containsExactly(a, b, a2);
  }

  @Test
  void nearDuplicatesAndEqualTextsAreDropped() {
    Candidate sameText = c(3, "u4", 0, new float[] {0, 0, 1}, 0.5, "  Alpha ");
    assertThat(PassageSelector.dropNearDuplicates(List.of(a, a2, b, sameText), 0.95))
        .containsExactly(a, b);
    assertThat(PassageSelector.dropNearDuplicates(List.of(a, a2, b), 0.9999))
        .containsExactly(a, a2, b);
  }

  @Test
  void budgetSkipsWhatDoesNotFitAndKeepsGoing() {
    var compress = new ContextSpec.Compress(10, true, 0.95, ContextSpec.Order.RELEVANCE, null);
    List<Candidate> chosen =
        PassageSelector.fit(List.of(a, a2, b), 10, x -> x == a2 ? 8 : 4, compress);
    assertThat(chosen).containsExactly(a, b);
    var byDocument = new ContextSpec.Compress(10, true, 0.95, ContextSpec.Order.DOCUMENT, null);
    assertThat(PassageSelector.fit(List.of(b, a), 10, x -> 4, byDocument)).containsExactly(a, b);
  }
}
