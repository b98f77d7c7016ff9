/**
 * Beam transforms over Lakebeam tables (documents, chunking, embeddings, curation). Filled by the
 * offline-path issue; depends only on core.
 */
package io.lakebeam.transforms;
