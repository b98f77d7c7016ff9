package io.lakebeam.core.index;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.MultiReader;
import org.apache.lucene.search.IndexSearcher;

/**
 * The searchable text index of one field at one snapshot: the manifest's segments plus, when the
 * table has rows the manifest does not cover yet, an in-memory segment over them, all under one
 * {@link MultiReader}, so document counts, average length and document frequencies are
 * collection-wide and a row scores the same however the rows are split into segments.
 *
 * <p>Reference-counted: the service holds one reference while the view is current, each search
 * another ({@link #tryAcquire}/{@link #release}); the last release lets go of the segments.
 * Thread-safe.
 */
final class TextIndexView {
  final String manifestPath;
  final long snapshotId;
  final TextIndexManifest manifest;
  final List<TextSegment> segments;
  final IndexSearcher searcher;
  private final AtomicInteger refs = new AtomicInteger(1);

  /** Takes over one reference of each segment's reader. */
  TextIndexView(
      String manifestPath,
      long snapshotId,
      TextIndexManifest manifest,
      List<TextSegment> segments,
      ExactBm25Similarity similarity) {
    this.manifestPath = manifestPath;
    this.snapshotId = snapshotId;
    this.manifest = manifest;
    this.segments = List.copyOf(segments);
    List<IndexReader> readers = new ArrayList<>();
    for (TextSegment s : segments) {
      readers.add(s.reader);
    }
    try {
      MultiReader multi = new MultiReader(readers.toArray(new IndexReader[0]), false);
      this.searcher = new IndexSearcher(multi);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    searcher.setSimilarity(similarity);
    searcher.setQueryCache(null);
  }

  boolean tryAcquire() {
    while (true) {
      int r = refs.get();
      if (r <= 0) {
        return false;
      }
      if (refs.compareAndSet(r, r + 1)) {
        return true;
      }
    }
  }

  void release() {
    if (refs.decrementAndGet() == 0) {
      for (TextSegment s : segments) {
        try {
          s.reader.decRef();
        } catch (IOException ignored) {
          // closing a reader of immutable files
        }
      }
    }
  }

  /** The segment of a leaf ordinal (each segment is one leaf; empty ones have none). */
  TextSegment segmentOfLeaf(int leafOrd) {
    return leafSegments().get(leafOrd);
  }

  private volatile List<TextSegment> leafSegments;

  private List<TextSegment> leafSegments() {
    List<TextSegment> l = leafSegments;
    if (l == null) {
      l = new ArrayList<>();
      for (TextSegment s : segments) {
        for (int i = 0; i < s.reader.leaves().size(); i++) {
          l.add(s);
        }
      }
      leafSegments = l;
    }
    return l;
  }
}
