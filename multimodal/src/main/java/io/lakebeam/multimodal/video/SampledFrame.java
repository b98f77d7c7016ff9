package io.lakebeam.multimodal.video;

import java.awt.image.BufferedImage;

/**
 * One kept frame: its index among the decoded frames, its presentation time, whether it is a
 * keyframe, why it was kept ({@code keyframe}, {@code interval} or {@code scene}, the first that
 * matched), its scene score (NaN when scene changes are not detected) and its picture scaled to the
 * thumbnail size.
 */
public record SampledFrame(
    long frameNumber,
    long timestampMs,
    boolean keyframe,
    String reason,
    double sceneScore,
    BufferedImage image) {}
