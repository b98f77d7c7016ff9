package io.lakebeam.core.index;

/**
 * One search result: the row at position {@code pos} of data file {@code file}, with jVector's
 * normalised similarity {@code rawScore} (in [0, 1], higher is closer); {@link
 * io.lakebeam.core.lake.Metric#score} and {@link io.lakebeam.core.lake.Metric#distance} turn it
 * into the metric's own scale.
 */
public record SearchHit(String file, long pos, float rawScore) {}
