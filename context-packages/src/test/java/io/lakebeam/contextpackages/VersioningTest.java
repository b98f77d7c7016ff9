package io.lakebeam.contextpackages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lakebeam.core.LakebeamException;
import io.lakebeam.core.lake.Collection;
import io.lakebeam.core.lake.Lakehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions in the packages table: no-op builds, new versions, bit-for-bit rebuilds, diffs. */
class VersioningTest {
  @TempDir Path dir;
  private Lakehouse lake;
  private Collection chunks;
  private Collection packages;
  private ContextStore store;
  private final ContextSpec spec = KnowledgeBase.spec().build();

  @BeforeEach
  void setUp() {
    lake = Lakehouse.open(dir.resolve("lake").toString());
    chunks = KnowledgeBase.create(lake);
    packages = PackageTable.ensure(lake, spec.table());
    store = ContextStore.of(lake);
  }

  @AfterEach
  void tearDown() throws Exception {
    lake.close();
  }

  private PackageTable.CommitResult buildAll(String buildId) {
    PackageBuilder builder = PackageBuilder.open(lake, spec, ResolvedSource.resolve(lake, spec));
    List<ContextPackage> built = new ArrayList<>();
    spec.queries().forEach(q -> built.add(builder.build(q)));
    return PackageTable.commit(packages.refreshMetadata(), built, buildId);
  }

  @Test
  void aBuildThatChangesNothingAddsNoVersion() {
    PackageTable.CommitResult first = buildAll("b1");
    assertThat(first.added()).hasSize(3).allMatch(p -> p.version() == 1);
    long snapshot = packages.refreshMetadata().snapshotId();

    PackageTable.CommitResult again = buildAll("b2");
    assertThat(again.added()).isEmpty();
    assertThat(again.unchanged()).hasSize(3);
    assertThat(packages.refreshMetadata().snapshotId()).isEqualTo(snapshot);
    assertThat(store.versions(packages, "support-kb", "backups")).hasSize(1);
  }

  @Test
  void aChangedSourceGivesANewVersionAndTheOldOneRebuildsBitForBit() {
    buildAll("b1");
    ContextPackage v1 = store.get(packages.refreshMetadata(), "support-kb", "key rotation", null);
    assertThat(v1.version()).isEqualTo(1);
    assertThat(v1.builtAt()).isNotNull();
    assertThat(v1.buildId()).isEqualTo("b1");

    KnowledgeBase.append(chunks.refreshMetadata(), List.of(KnowledgeBase.ROTATION_UPDATE));
    PackageTable.CommitResult second = buildAll("b2");
    assertThat(second.added()).extracting(ContextPackage::topic).contains("key rotation");
    assertThat(second.unchanged()).extracting(ContextPackage::topic).contains("coffee");

    packages.refreshMetadata();
    ContextPackage v2 = store.get(packages, "support-kb", "key rotation", null);
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.sourceSnapshotId()).isNotEqualTo(v1.sourceSnapshotId());
    assertThat(store.get(packages, "support-kb", "key rotation", 1).text()).isEqualTo(v1.text());

    // the source moved on, yet version 1 rebuilds to the same bytes from what it pinned
    ContextPackage rebuilt = PackageBuilder.rebuild(lake, v1);
    assertThat(rebuilt.text()).isEqualTo(v1.text());
    assertThat(rebuilt.citationsJson()).isEqualTo(v1.citationsJson());
    assertThat(rebuilt.contentHash()).isEqualTo(v1.contentHash());
    assertThat(rebuilt.specHash()).isEqualTo(v1.specHash());
    assertThat(rebuilt.text()).isNotEqualTo(v2.text());

    Map<String, Object> diff = store.diff(packages, "support-kb", "key rotation", 1, 2);
    assertThat(diff.get("same_content")).isEqualTo(false);
    assertThat(diff.get("source_snapshot_changed")).isEqualTo(true);
    assertThat(diff.get("spec_changed")).isEqualTo(false);
    assertThat(diff.get("citations_added").toString()).contains("file:///kb/keys-2.md");
  }

  @Test
  void rebuildOfAVersionWhoseSnapshotExpiredIsRefused() {
    buildAll("b1");
    ContextPackage v1 = store.get(packages.refreshMetadata(), "support-kb", "coffee", null);
    KnowledgeBase.append(chunks.refreshMetadata(), List.of(KnowledgeBase.ROTATION_UPDATE));
    chunks
        .refreshMetadata()
        .table()
        .expireSnapshots()
        .expireSnapshotId(v1.sourceSnapshotId())
        .commit();
    assertThatThrownBy(() -> PackageBuilder.rebuild(lake, v1))
        .isInstanceOf(LakebeamException.class)
        .hasMessageContaining("no longer exists")
        .hasMessageContaining("cannot be rebuilt");
  }

  @Test
  void unknownPackageTopicOrVersionSaysWhatExists() {
    buildAll("b1");
    packages.refreshMetadata();
    assertThatThrownBy(() -> store.get(packages, "support", "coffee", null))
        .hasMessageContaining("No context package 'support'")
        .hasMessageContaining("[support-kb]");
    assertThatThrownBy(() -> store.get(packages, "support-kb", "tea", null))
        .hasMessageContaining("has no topic 'tea'")
        .hasMessageContaining("[backups, coffee, key rotation]");
    assertThatThrownBy(() -> store.get(packages, "support-kb", "coffee", 7))
        .hasMessageContaining("has no version 7; its versions are [1]");
  }
}
