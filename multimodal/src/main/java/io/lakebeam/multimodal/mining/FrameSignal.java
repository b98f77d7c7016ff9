package io.lakebeam.multimodal.mining;

/**
 * What curation wrote back for one frame: its cluster ({@code cluster_id}, null when unclustered),
 * its distance to the cluster's centroid, its anomaly score (NaN when not scored) and flag.
 */
public record FrameSignal(
    String frameId,
    String uri,
    long timestampMs,
    Long clusterId,
    double clusterDistance,
    double anomalyScore,
    boolean isAnomaly) {}
