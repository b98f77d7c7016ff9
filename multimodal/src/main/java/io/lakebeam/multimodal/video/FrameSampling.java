package io.lakebeam.multimodal.video;

import java.io.Serializable;
import java.time.Duration;

/**
 * Which frames of a video to keep: keyframes, one frame per fixed interval, and frames where the
 * scene changes; a frame is kept when any chosen criterion selects it. Immutable.
 *
 * <pre>{@code
 * FrameSampling s = FrameSampling.none().keyframes().orEvery(Duration.ofSeconds(2)).withSceneChange(0.3);
 * }</pre>
 *
 * <p>The scene score follows FFmpeg's {@code select='gt(scene,T)'}: the mean absolute difference of
 * the pixels of two successive frames (0-255), its change from the previous difference, and the
 * smaller of the two divided by 100, in [0, 1].
 */
public final class FrameSampling implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The interval used when no criterion is chosen: one frame every 2 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

  private final boolean keyframes;
  private final long intervalMicros;
  private final double sceneThreshold;

  private FrameSampling(boolean keyframes, long intervalMicros, double sceneThreshold) {
    this.keyframes = keyframes;
    this.intervalMicros = intervalMicros;
    this.sceneThreshold = sceneThreshold;
  }

  /** No criterion yet; {@link #orDefault()} turns it into one frame every 2 seconds. */
  public static FrameSampling none() {
    return new FrameSampling(false, 0, 0);
  }

  /** Keeps every keyframe (I-frame). Keyframes alone decode only keyframes: the fastest mode. */
  public FrameSampling keyframes() {
    return new FrameSampling(true, intervalMicros, sceneThreshold);
  }

  /** Keeps the first frame at or after every multiple of {@code interval} (1 ms to 1 day). */
  public FrameSampling orEvery(Duration interval) {
    if (interval == null || interval.toMillis() < 1 || interval.compareTo(Duration.ofDays(1)) > 0) {
      throw new IllegalArgumentException(
          "Cannot sample every " + interval + ": use an interval from 1 ms to 1 day");
    }
    return new FrameSampling(keyframes, interval.toNanos() / 1000, sceneThreshold);
  }

  /** Keeps frames whose scene score is above {@code threshold}, in (0, 1]; FFmpeg's is 0.3-0.4. */
  public FrameSampling withSceneChange(double threshold) {
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "Cannot detect scene changes at threshold " + threshold + ": use a value in (0, 1]");
    }
    return new FrameSampling(keyframes, intervalMicros, threshold);
  }

  /** This sampling, or one frame every {@link #DEFAULT_INTERVAL} when no criterion is chosen. */
  public FrameSampling orDefault() {
    return isEmpty() ? orEvery(DEFAULT_INTERVAL) : this;
  }

  public boolean isEmpty() {
    return !keyframes && intervalMicros == 0 && sceneThreshold == 0;
  }

  public boolean keepsKeyframes() {
    return keyframes;
  }

  /** The interval in microseconds, or 0 when frames are not sampled by time. */
  public long intervalMicros() {
    return intervalMicros;
  }

  /** The scene-change threshold, or 0 when scene changes are not detected. */
  public double sceneThreshold() {
    return sceneThreshold;
  }

  /** Only keyframes are kept, so only keyframes need decoding. */
  boolean keyframesOnly() {
    return keyframes && intervalMicros == 0 && sceneThreshold == 0;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    if (keyframes) {
      s.append("keyframes");
    }
    if (intervalMicros > 0) {
      s.append(s.isEmpty() ? "" : " or ")
          .append("every ")
          .append(intervalMicros / 1000)
          .append(" ms");
    }
    if (sceneThreshold > 0) {
      s.append(s.isEmpty() ? "" : " or ").append("scene > ").append(sceneThreshold);
    }
    return s.isEmpty() ? "none" : s.toString();
  }
}
