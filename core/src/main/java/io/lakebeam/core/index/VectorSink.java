package io.lakebeam.core.index;

import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a segment build or merge collects its vectors, ordinal by ordinal: on the heap, or, when
 * they would take more than the build's heap share, in a memory-mapped scratch file ({@link
 * MappedVectors}) that takes page cache instead and is deleted on close.
 *
 * <pre>{@code
 * try (VectorSink sink = VectorSink.open(384, rows * 384 * 4L, "docs.embedding")) {
 *   sink.add(vector);
 *   SegmentBuilder.write(table, field, sink.vectors(), rowMap, metric, params, what);
 * }
 * }</pre>
 */
final class VectorSink implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VectorSink.class);
  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  /** Sinks that staged their vectors in a memory-mapped scratch file (for tests). */
  static final AtomicInteger MAPPED = new AtomicInteger();

  private final int dimension;
  private final Path file;
  private final List<VectorFloat<?>> heap;
  private MappedVectors.Writer writer;
  private MappedVectors mapped;
  private int count;

  private VectorSink(int dimension, Path file) throws IOException {
    this.dimension = dimension;
    this.file = file;
    this.heap = file == null ? new ArrayList<>() : null;
    this.writer = file == null ? null : MappedVectors.writer(file, dimension);
  }

  /**
   * A sink for about {@code estimatedBytes} of vectors of {@code dimension}: mapped when that
   * exceeds {@link #heapShare()}.
   */
  static VectorSink open(int dimension, long estimatedBytes, String what) throws IOException {
    long share = heapShare();
    if (estimatedBytes <= share) {
      return new VectorSink(dimension, null);
    }
    Path spill = IndexFiles.scratch(".vectors");
    MAPPED.incrementAndGet();
    LOG.info(
        "{}: ~{} MB of vectors exceed the build's heap share ({} MB); they go to a memory-mapped"
            + " scratch file, {}",
        what,
        estimatedBytes >> 20,
        share >> 20,
        spill);
    try {
      return new VectorSink(dimension, spill);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(spill);
      throw e;
    }
  }

  /**
   * The heap a build may fill with its vectors before it stages them in a memory-mapped scratch
   * file instead: {@code lakebeam.build.heap.vectors.bytes}, by default a quarter of the maximum
   * heap (the graph, the PQ codes and one data file's column being read need the rest).
   */
  static long heapShare() {
    return Long.getLong("lakebeam.build.heap.vectors.bytes", Runtime.getRuntime().maxMemory() / 4);
  }

  /** Appends a vector of {@code dimension} values, in index form. */
  void add(float[] vector) throws IOException {
    if (heap != null) {
      heap.add(VTS.createFloatVector(vector));
    } else {
      writer.add(vector);
    }
    count++;
  }

  /** Appends a copy of {@code vector} (which may be a reader's shared value). */
  void add(VectorFloat<?> vector) throws IOException {
    if (heap != null) {
      heap.add(vector.copy());
      count++;
    } else {
      float[] values = new float[vector.length()];
      for (int i = 0; i < values.length; i++) {
        values[i] = vector.get(i);
      }
      add(values);
    }
  }

  int count() {
    return count;
  }

  /** The vectors added, ordinal by ordinal; valid until the sink is closed. */
  RandomAccessVectorValues vectors() throws IOException {
    if (heap != null) {
      return new ListRandomAccessVectorValues(heap, dimension);
    }
    if (writer != null) {
      writer.close();
      writer = null;
      mapped = MappedVectors.open(file, dimension);
    }
    return mapped;
  }

  /**
   * Unmaps and deletes the scratch file, if any. A file that cannot be deleted is only logged: the
   * segment is already written, and the next scratch file's sweep or the JVM's exit removes it.
   */
  @Override
  public void close() throws IOException {
    try {
      if (writer != null) {
        writer.close();
      }
    } finally {
      try {
        if (mapped != null) {
          mapped.close();
        }
      } finally {
        if (file != null) {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            LOG.warn("Cannot delete the scratch file {}: {}", file, e.toString());
          }
        }
      }
    }
  }
}
