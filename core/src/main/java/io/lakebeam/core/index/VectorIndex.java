package io.lakebeam.core.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.io.FileIO;

/**
 * A loaded index: its manifest and memory-mapped segments. Thread-safe. Searches {@link
 * #tryAcquire() acquire} it; once {@link #retire() retired} (replaced, dropped) it closes the
 * segments no newer index shares when the last search releases it, so mapped files and disk-cache
 * pins do not outlive their use.
 */
final class VectorIndex implements Closeable {
  private final String manifestPath;
  private final IndexManifest manifest;
  private final List<IndexSegment> segments;
  private final Set<String> coveredFiles;
  private final AtomicInteger refs = new AtomicInteger(1); // the owner's, until retired
  private final AtomicBoolean retired = new AtomicBoolean();

  private VectorIndex(String manifestPath, IndexManifest manifest, List<IndexSegment> segments) {
    this.manifestPath = manifestPath;
    this.manifest = manifest;
    this.segments = segments;
    this.coveredFiles = new HashSet<>();
    manifest.segments().forEach(s -> coveredFiles.addAll(s.files()));
  }

  /**
   * Loads the segments of {@code manifest}, reusing those of {@code previous} (the index it
   * replaces, or null) whose files are the same, so a refresh loads only what it built. Segments of
   * {@code previous} that are not reused are released from the memory budget; their mapped files
   * stay open for searches still running on them.
   */
  static VectorIndex load(
      FileIO io,
      String manifestPath,
      IndexManifest manifest,
      VectorIndex previous,
      ServingMemory memory,
      boolean pinned) {
    Set<String> wanted = new HashSet<>();
    manifest.segments().forEach(ref -> wanted.add(key(ref)));
    Map<String, IndexSegment> reusable = new HashMap<>();
    if (previous != null) {
      for (IndexSegment s : previous.segments) {
        if (s.pinned() == pinned && wanted.contains(key(s.ref()))) {
          reusable.put(key(s.ref()), s);
        } else {
          s.releaseMemory(); // before loading, so the new segments get its room
        }
      }
    }
    List<IndexSegment> segments = new ArrayList<>();
    List<IndexSegment> fresh = new ArrayList<>();
    List<IndexSegment> held = new ArrayList<>();
    try {
      for (IndexManifest.SegmentRef ref : manifest.segments()) {
        IndexSegment s = reusable.remove(key(ref));
        if (s != null) {
          s.hold();
          held.add(s);
        } else {
          s = IndexSegment.load(io, ref, memory, pinned);
          fresh.add(s);
        }
        segments.add(s);
      }
    } catch (RuntimeException e) {
      held.forEach(IndexSegment::unhold);
      for (IndexSegment s : fresh) {
        try {
          s.close();
        } catch (IOException ignored) {
          // already failing
        }
      }
      throw e;
    }
    return new VectorIndex(manifestPath, manifest, segments);
  }

  private static String key(IndexManifest.SegmentRef ref) {
    return ref.graphPath() + "\u0000" + ref.rowsPath();
  }

  /** Releases every segment from the memory budget (the index was dropped). */
  void releaseMemory() {
    segments.forEach(IndexSegment::releaseMemory);
  }

  /** Takes a reference for a search; false when the index was retired and closed meanwhile. */
  boolean tryAcquire() {
    int n;
    do {
      n = refs.get();
      if (n == 0) {
        return false;
      }
    } while (!refs.compareAndSet(n, n + 1));
    return true;
  }

  /** Gives back a search's (or the owner's) reference; the last one closes the segments. */
  void release() {
    if (refs.decrementAndGet() == 0) {
      segments.forEach(IndexSegment::unhold);
    }
  }

  /** No longer served: closes when the searches still running on it are done. */
  void retire() {
    if (retired.compareAndSet(false, true)) {
      release();
    }
  }

  /** JSON-ready tiers: segments and rows per tier, and heap bytes held. */
  Map<String, Object> tiers() {
    Map<String, Object> bySegments = new TreeMap<>();
    Map<String, Object> byRows = new TreeMap<>();
    long bytes = 0;
    for (IndexSegment s : segments) {
      String t = s.tier().wireName;
      bySegments.merge(t, 1, (a, b) -> (Integer) a + (Integer) b);
      byRows.merge(t, (long) s.size(), (a, b) -> (Long) a + (Long) b);
      bytes += s.residentBytes();
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("tier", bySegments.size() == 1 ? bySegments.keySet().iterator().next() : "mixed");
    out.put("segments_by_tier", bySegments);
    out.put("rows_by_tier", byRows);
    out.put("memory_bytes", bytes);
    return out;
  }

  String manifestPath() {
    return manifestPath;
  }

  IndexManifest manifest() {
    return manifest;
  }

  List<IndexSegment> segments() {
    return segments;
  }

  boolean covers(String file) {
    return coveredFiles.contains(file);
  }

  Set<String> coveredFiles() {
    return coveredFiles;
  }

  /** Retires the index (see {@link #retire()}). */
  @Override
  public void close() {
    retire();
  }
}
