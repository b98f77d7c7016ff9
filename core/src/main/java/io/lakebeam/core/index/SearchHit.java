package io.lakebeam.core.index;

import io.lakebeam.core.lake.Metric;

/**
 * One search result: the row at position {@code pos} of data file {@code file} (Iceberg's {@code
 * _file} and {@code _pos}).
 *
 * @param rawScore jVector's normalised similarity, in [0, 1], higher is closer
 * @param score the similarity in the metric's own scale (cosine similarity, dot product, or {@code
 *     1/(1+d²)} for l2)
 * @param distance the metric's distance, smaller is closer ({@code 1 - cos}, {@code -dot}, {@code
 *     d²})
 */
public record SearchHit(String file, long pos, float rawScore, float score, float distance) {
  /** A hit whose metric scale is not known yet. */
  SearchHit(String file, long pos, float rawScore) {
    this(file, pos, rawScore, Float.NaN, Float.NaN);
  }

  /** This hit with its score and distance in the scale of the metric the search used. */
  SearchHit in(Metric metric) {
    return new SearchHit(file, pos, rawScore, metric.score(rawScore), metric.distance(rawScore));
  }
}
