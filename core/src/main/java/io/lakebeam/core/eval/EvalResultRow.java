package io.lakebeam.core.eval;

import java.io.Serializable;
import java.time.Instant;

/**
 * One row of an evaluation results table: one metric of one system in one run.
 *
 * @param runId the run's id (one per {@code lakebeam eval} call or pipeline)
 * @param evaluatedAt when the run started
 * @param collection the collection searched
 * @param snapshotId the collection's snapshot the run searched
 * @param system the system spec, e.g. {@code hybrid:text+embedding}
 * @param fields the fields it searched, comma-separated
 * @param models per field, the model or analyzer, e.g. {@code embedding=all-minilm-l6-v2}
 * @param metric the metric, e.g. {@code ndcg@10}
 * @param value the metric's mean over the evaluated queries
 * @param queries how many queries the mean is over
 */
public record EvalResultRow(
    String runId,
    Instant evaluatedAt,
    String collection,
    long snapshotId,
    String system,
    String fields,
    String models,
    String metric,
    double value,
    int queries)
    implements Serializable {}
