package io.lakebeam.transforms.chunk;

/**
 * One chunk of a document's text: the characters {@code [start, end)} of the text, and how many of
 * the model's tokens they hold (special tokens excluded).
 */
public record ChunkSpan(int start, int end, int tokens) {}
