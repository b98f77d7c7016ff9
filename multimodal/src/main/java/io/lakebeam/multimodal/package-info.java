/**
 * Multimodal extraction: Apache Tika documents, JavaCV video frames, image embeddings. Filled by
 * the offline and multimodal issues.
 */
package io.lakebeam.multimodal;
