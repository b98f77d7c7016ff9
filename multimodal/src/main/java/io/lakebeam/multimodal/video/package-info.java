/**
 * Video decoding by reference with FFmpeg (JavaCV): {@link
 * io.lakebeam.multimodal.video.FrameExtractor} samples frames by keyframe, interval or scene change
 * ({@link io.lakebeam.multimodal.video.FrameSampling}) within {@link
 * io.lakebeam.multimodal.video.VideoLimits}, reports the container's and audio track's metadata
 * ({@link io.lakebeam.multimodal.video.VideoInfo}), and fails bad files with a {@link
 * io.lakebeam.multimodal.video.MediaException} that names the {@link
 * io.lakebeam.multimodal.video.MediaFailure reason}.
 */
package io.lakebeam.multimodal.video;
