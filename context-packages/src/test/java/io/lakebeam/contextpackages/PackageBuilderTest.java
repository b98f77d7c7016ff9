package io.lakebeam.contextpackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import io.lakebeam.embeddings.Models;
import io.lakebeam.embeddings.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One topic's package from a real, MiniLM-embedded chunks table, and every bad source. */
class PackageBuilderTest {
  @TempDir Path dir;
  private Lakehouse lake;
  private Collection chunks;

  @BeforeEach
  void setUp() {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    chunks = KnowledgeBase.create(lake);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private ContextPackage build(ContextSpec spec, int query) {
    return PackageBuilder.open(lake, spec, ResolvedSource.resolve(lake, spec))
        .build(spec.queries().get(query));
  }

  @Test
  void packageCitesTheChunksItQuotesWithinTheBudget() {
    ContextSpec spec = KnowledgeBase.spec().build();
    ContextPackage p = build(spec, 0);

    assertThat(p.text()).startsWith("[1] ");
    assertThat(p.citations()).isNotEmpty();
    assertThat(p.citations()).extracting(Citation::uri).contains("file:///kb/keys.md");
    assertThat(p.citations()).extracting(Citation::uri).doesNotContain("file:///kb/schluessel.md");
    assertThat(p.tokenCount()).isLessThanOrEqualTo(80);
    assertThat(p.tokenCount())
        .isEqualTo(TextTokenizer.load(Models.ALL_MINILM_L6_V2).count(p.text()));
    for (Citation c : p.citations()) {
      assertThat(p.text()).contains("[" + c.ref() + "] ");
      assertThat(c.charEnd()).isGreaterThan(c.charStart());
    }
    // document order: sorted by URI, then offset
    List<String> keys = p.citations().stream().map(c -> c.uri() + "/" + c.charStart()).toList();
    assertThat(keys).isSorted();
    assertThat(p.sourceSnapshotId()).isEqualTo(chunks.snapshotId());
    assertThat(p.model()).isEqualTo("all-MiniLM-L6-v2@onnx-sha256:759c3cd2b7fe");
    assertThat(p.contentHash()).startsWith("sha256:");
  }

  @Test
  void nearDuplicatesAreDroppedUnlessAsked() {
    ContextSpec.Compress wide =
        new ContextSpec.Compress(2000, true, 0.95, ContextSpec.Order.RELEVANCE, null);
    ContextPackage deduped = build(KnowledgeBase.spec().compress(wide).build(), 0);
    assertThat(deduped.duplicatesDropped()).isEqualTo(1);
    assertThat(deduped.citations())
        .extracting(Citation::uri)
        .doesNotContain("file:///kb/keys-mirror.md");

    ContextSpec.Compress keepAll =
        new ContextSpec.Compress(2000, false, 0.95, ContextSpec.Order.RELEVANCE, null);
    ContextPackage all = build(KnowledgeBase.spec().compress(keepAll).build(), 0);
    assertThat(all.duplicatesDropped()).isZero();
    assertThat(all.citations()).hasSize(deduped.citations().size() + 1);
  }

  @Test
  void fieldRerankPrefersTheHigherQualityCopy() {
    ContextSpec.Compress one =
        new ContextSpec.Compress(2000, false, 0.95, ContextSpec.Order.RELEVANCE, null);
    ContextSpec spec =
        KnowledgeBase.spec().rerank(ContextSpec.Rerank.field("quality", 1.0)).compress(one).build();
    ContextPackage p = build(spec, 0);
    int keys = uriRank(p, "file:///kb/keys.md");
    int mirror = uriRank(p, "file:///kb/keys-mirror.md");
    assertThat(keys).isLessThan(mirror);
  }

  private static int uriRank(ContextPackage p, String uri) {
    return p.citations().stream().filter(c -> c.uri().equals(uri)).findFirst().orElseThrow().ref();
  }

  @Test
  void sameInputsGiveTheSameBytes() {
    ContextSpec spec = KnowledgeBase.spec().build();
    ContextPackage a = build(spec, 1);
    ContextPackage b = build(spec, 1);
    assertThat(b.text()).isEqualTo(a.text());
    assertThat(b.citationsJson()).isEqualTo(a.citationsJson());
    assertThat(b.contentHash()).isEqualTo(a.contentHash());
    assertThat(b.specHash()).isEqualTo(a.specHash());
  }

  @Test
  void budgetSmallerThanOneChunkIsRefused() {
    ContextSpec spec =
        KnowledgeBase.spec()
            .compress(new ContextSpec.Compress(5, true, 0.95, ContextSpec.Order.DOCUMENT, null))
            .build();
    assertThatThrownBy(() -> build(spec, 0))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("Cannot build context package 'support-kb' for topic 'key rotation'")
        .hasMessageContaining("token_budget 5 is smaller than the smallest retrieved chunk");
  }

  @Test
  void emptyRetrievalIsRefused() {
    ContextSpec spec = KnowledgeBase.spec().retrieve(4, "lang = 'xx'").build();
    assertThatThrownBy(() -> build(spec, 0))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("retrieval returned no chunks")
        .hasMessageContaining("no row matches \"lang = 'xx'\"");
  }

  @Test
  void unknownCollectionIsRefused() {
    ContextSpec spec = KnowledgeBase.spec().source("kb.chunkz", "embedding").build();
    assertThatThrownBy(() -> ResolvedSource.resolve(lake, spec))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("source collection 'kb.chunkz' does not exist")
        .hasMessageContaining("kb.chunks");
  }

  @Test
  void unknownFieldIsRefused() {
    ContextSpec spec = KnowledgeBase.spec().source(KnowledgeBase.CHUNKS, "embeding").build();
    assertThatThrownBy(() -> ResolvedSource.resolve(lake, spec))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("source field 'embeding' is not a vector field of 'kb.chunks'")
        .hasMessageContaining("[embedding]");
  }

  @Test
  void expiredPinnedSnapshotIsRefused() {
    long first = chunks.snapshotId();
    KnowledgeBase.append(chunks.refreshMetadata(), List.of(KnowledgeBase.ROTATION_UPDATE));
    chunks.refreshMetadata().table().expireSnapshots().expireSnapshotId(first).commit();
    ContextSpec spec = KnowledgeBase.spec().build().atSnapshot(first);
    assertThatThrownBy(() -> ResolvedSource.resolve(lake, spec))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("snapshot " + first + " of 'kb.chunks' no longer exists")
        .hasMessageContaining("snapshot: latest");
  }

  @Test
  void pinnedSnapshotIgnoresLaterRows() {
    long first = chunks.snapshotId();
    ContextSpec pinned = KnowledgeBase.spec().build().atSnapshot(first);
    ContextPackage before = build(pinned, 0);
    KnowledgeBase.append(chunks.refreshMetadata(), List.of(KnowledgeBase.ROTATION_UPDATE));
    lake.indexes()
        .build(
            chunks.refreshMetadata(),
            "embedding",
            null,
            io.lakebeam.core.index.IndexParams.defaults());
    ContextPackage after = build(pinned, 0);
    assertThat(after.contentHash()).isEqualTo(before.contentHash());
    ContextPackage latest = build(KnowledgeBase.spec().build(), 0);
    assertThat(latest.citations()).extracting(Citation::uri).contains("file:///kb/keys-2.md");
  }
}
