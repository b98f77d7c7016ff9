package io.lakebeam.multimodal.video;

import java.io.Serializable;

/**
 * What the container says about a video and its audio track: duration, picture size, average frame
 * rate, codecs, audio sample rate and channels ({@code audioCodec} null when there is no audio).
 * {@code variableFrameRate} is true when the decoded frame intervals varied by more than 10%.
 */
public record VideoInfo(
    String format,
    long durationMs,
    int width,
    int height,
    double frameRate,
    boolean variableFrameRate,
    String videoCodec,
    String audioCodec,
    int audioSampleRate,
    int audioChannels,
    long framesDecoded)
    implements Serializable {}
