package io.lakebeam.core.hybrid;

/**
 * One hit of one leg: the row at {@code pos} of data file {@code file}, with the leg's own score
 * (higher is better: a vector leg's similarity, a text leg's BM25 score).
 */
public record LegHit(String file, long pos, float score) {}
