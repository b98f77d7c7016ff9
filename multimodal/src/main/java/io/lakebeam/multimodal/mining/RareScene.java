package io.lakebeam.multimodal.mining;

/**
 * One ranked frame: its {@link FrameSignal}, the size of its cluster, the cluster's rarity (1 -
 * size / largest cluster size, 0 when unclustered), the combined {@code rareScore} in [0, 1], and
 * the {@code isRareScene} flag (an anomaly, or in a cluster of at most the rare-cluster size).
 */
public record RareScene(
    int rank,
    FrameSignal frame,
    long clusterSize,
    double clusterRarity,
    double rareScore,
    boolean isRareScene) {}
