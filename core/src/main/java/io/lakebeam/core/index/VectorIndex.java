package io.lakebeam.core.index;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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

  static VectorIndex load(FileIO io, String manifestPath, IndexManifest manifest) {
    List<IndexSegment> segments = new ArrayList<>();
    try {
      for (IndexManifest.SegmentRef ref : manifest.segments()) {
        segments.add(IndexSegment.load(io, ref));
      }
    } catch (RuntimeException e) {
      for (IndexSegment s : segments) {
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
