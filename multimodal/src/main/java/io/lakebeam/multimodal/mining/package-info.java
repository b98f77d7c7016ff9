/**
 * Corner-case mining on video frames: {@link io.lakebeam.multimodal.mining.RareScenes} ranks frames
 * by the anomaly scores and clusters that curation writes back ({@code anomaly_score}, {@code
 * is_anomaly}, {@code cluster_id}, {@code cluster_distance}) and lists the rarest scenes.
 */
package io.lakebeam.multimodal.mining;
