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
import org.apache.iceberg.io.FileIO;

/** A loaded index: its manifest and memory-mapped segments. Thread-safe, immutable. */
final class VectorIndex implements Closeable {
  private final String manifestPath;
  private final IndexManifest manifest;
  private final List<IndexSegment> segments;
  private final Set<String> coveredFiles;

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
          s.release(); // before loading, so the new segments get its room
        }
      }
    }
    List<IndexSegment> segments = new ArrayList<>();
    List<IndexSegment> fresh = new ArrayList<>();
    try {
      for (IndexManifest.SegmentRef ref : manifest.segments()) {
        IndexSegment s = reusable.remove(key(ref));
        if (s == null) {
          s = IndexSegment.load(io, ref, memory, pinned);
          fresh.add(s);
        }
        segments.add(s);
      }
    } catch (RuntimeException e) {
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

  /** Releases every segment from the memory budget (the index was dropped or replaced). */
  void release() {
    segments.forEach(IndexSegment::release);
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

  @Override
  public void close() throws IOException {
    for (IndexSegment s : segments) {
      s.close();
    }
  }
}
