/**
 * Versioned, reproducible context packages for RAG and agents. Filled by the context-packages
 * issue.
 */
package io.lakebeam.contextpackages;
