package io.lakebeam.contextpackages;

/**
 * A retrieved chunk: where it is (data file and position at the pinned snapshot), what the package
 * cites, its vector and its similarity to the query.
 *
 * @param rank its place in the search result, from 0 (ties are broken by this)
 * @param fieldValue the rerank column's value for {@code rerank: field}, or null
 */
record Candidate(
    int rank,
    String file,
    long pos,
    String text,
    String uri,
    String docId,
    Integer ordinal,
    Integer charStart,
    Integer charEnd,
    float[] vector,
    double similarity,
    Double fieldValue) {}
