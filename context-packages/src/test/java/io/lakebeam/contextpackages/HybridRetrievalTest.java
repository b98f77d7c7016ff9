package io.lakebeam.contextpackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code retrieve.hybrid_fields}: retrieval fused over several vector fields. */
class HybridRetrievalTest {
  @TempDir Path dir;
  private Lakehouse lake;

  @BeforeEach
  void setUp() {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    KnowledgeBase.create(lake);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private ContextPackage build(ContextSpec spec) {
    return PackageBuilder.open(lake, spec, ResolvedSource.resolve(lake, spec))
        .build(spec.queries().get(0));
  }

  @Test
  void fusingTheSourceFieldWithItselfKeepsThePackage() {
    ContextSpec plain = KnowledgeBase.spec().build();
    ContextSpec hybrid = KnowledgeBase.spec().hybridFields(List.of("embedding")).build();

    ContextPackage p = build(plain);
    ContextPackage h = build(hybrid);

    // RRF of two identical rankings is that ranking: the same passages, the same text
    assertThat(h.text()).isEqualTo(p.text());
    assertThat(h.citations()).isEqualTo(p.citations());
    @SuppressWarnings("unchecked")
    Map<String, Object> retrieve =
        (Map<String, Object>) hybrid.forTopic(hybrid.queries().get(0)).get("retrieve");
    assertThat(retrieve).containsEntry("hybrid_fields", List.of("embedding"));
    assertThat((Map<?, ?>) plain.forTopic(plain.queries().get(0)).get("retrieve"))
        .doesNotContainKey("hybrid_fields");
  }

  @Test
  void unknownHybridFieldIsRefused() {
    ContextSpec spec = KnowledgeBase.spec().hybridFields(List.of("embedding_bge")).build();
    assertThatThrownBy(() -> build(spec))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("has no vector field 'embedding_bge'");
  }

  @Test
  void specReadsHybridFields() {
    String yaml =
        """
        name: kb
        source: {collection: kb.chunks, field: embedding}
        queries: [{topic: t, text: "how do I rotate keys?"}]
        retrieve: {top_k: 20, hybrid_fields: [embedding_bge]}
        """;
    assertThat(SpecParser.parse(yaml, "test").hybridFields()).containsExactly("embedding_bge");
    assertThatThrownBy(
            () -> SpecParser.parse(yaml.replace("[embedding_bge]", "embedding_bge"), "test"))
        .hasMessageContaining("retrieve.hybrid_fields must be a list of vector field names");
  }
}
