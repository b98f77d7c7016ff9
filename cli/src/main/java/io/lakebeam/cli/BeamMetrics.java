package io.lakebeam.cli;

import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Reads Lakebeam's Beam counters (namespace {@code lakebeam}) from a finished pipeline. */
final class BeamMetrics {
  private BeamMetrics() {}

  /** The counter's attempted total over all steps (exact on every runner). */
  static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named("lakebeam", name))
                    .build())
            .getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }
}
