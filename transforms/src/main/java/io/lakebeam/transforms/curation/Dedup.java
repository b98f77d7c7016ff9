package io.lakebeam.transforms.curation;

/**
 * Duplicate detection over rows read with {@code Lake.read}. Each transform adds {@code
 * <prefix>dup_group} (id of the group's kept row), {@code <prefix>is_canonical} and {@code
 * <prefix>dup_similarity}; the kept row of a group is the one with the smallest id (the {@code
 * chunk_id} or {@code id} field, or {@code withIdField}).
 *
 * <pre>{@code
 * p.apply(Lake.read(lake, "corpus.chunks"))
 *  .apply(Dedup.nearDuplicates().onText("text").withJaccard(0.8))    // dup_group, is_canonical...
 *  .apply(Dedup.semantic().onVector("embedding").withCosine(0.95))   // semantic_dup_group...
 *  .apply(Lake.writeBackColumns(lake, "corpus.chunks"));
 * }</pre>
 */
public final class Dedup {
  private Dedup() {}

  /** Byte-identical text, by SHA-256; fields prefixed {@code exact_}. */
  public static ExactDuplicates exact() {
    return new ExactDuplicates("text", null, "exact_");
  }

  /**
   * Near-duplicate text by MinHash LSH: word 3-gram shingles, 128 permutations, Jaccard 0.8; no
   * field prefix.
   */
  public static NearDuplicates nearDuplicates() {
    return new NearDuplicates();
  }

  /** Embedding near-duplicates (SemDeDup): cosine 0.95 within 64 k-means partitions. */
  public static SemanticDuplicates semantic() {
    return new SemanticDuplicates("embedding", 0.95, 64, null, "semantic_", 42, null);
  }
}
